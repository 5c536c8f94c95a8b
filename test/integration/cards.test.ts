import type { Browser } from 'playwright-core';
import { join } from 'node:path';
import { CardTemplates, cardBytes } from '../../src/cards/card-templates';
import { renderCheckCard } from '../../src/cards/check-card';
import { renderAlertCard } from '../../src/cards/alert-card';
import { renderHelpCard, renderMessageCard, renderSummaryCard } from '../../src/cards/other-cards';
import { FINDING_TITLES } from '../../src/cards/finding-titles';
import { DEFAULT_MFG_METADATA_URL } from '../../src/config';
import { assessHybrid } from '../../src/engine/assess-hybrid';
import { assessMfg } from '../../src/engine/assess-mfg';
import type { Assessment } from '../../src/engine/types';
import { at, makeCert } from '../support/certs';
import { alertState } from '../support/card-gallery';
import { authFixture, entraFixture } from '../support/exchange-hybrid';
import { metadataOf } from '../support/scenario';
import { CardRenderer, launchChromium, TEST_OUTPUT, withChromium } from '../support/card-renderer';
import {
  healthyAssessment,
  NOW,
  rolloverWarningAssessment,
  worstCaseAssessment,
} from '../support/sample-assessments';

const TEAMS_LIMIT = 28 * 1024;
const templates = new CardTemplates();
const footer = 'Checked 2026-11-22 09:00 UTC · fedtrust';
let browser: Browser;
let renderer: CardRenderer;

withChromium('card rendering', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    renderer = new CardRenderer(browser);
  }, 60_000);

  afterAll(() => browser?.close());

  const png = (name: string) => join(TEST_OUTPUT, 'cards', `${name}.png`);
  const check = (a: Assessment) => renderCheckCard(templates, a, { now: NOW, footer });

  describe('cards rendered by the official adaptivecards renderer in Chromium', () => {
    it('renders a healthy check card with no parse warnings', async () => {
      const card = check(healthyAssessment());
      const result = await renderer.render(card, png('check-ok'));
      expect(result.warnings).toEqual([]);
      expect(result.height).toBeGreaterThan(150);
      expect(JSON.stringify(card)).toContain('Re-check');
    });

    it('says where the AD FS facts came from when a collector snapshot was used', () => {
      const a: Assessment = {
        ...healthyAssessment(),
        autoRollover: 'off',
        adfs: {
          hostName: 'fs.contoso.com',
          receivedAt: '2026-11-22T08:00:00.000Z',
          generationDays: 20,
          promotionDays: 5,
          stale: false,
        },
      };
      expect(JSON.stringify(check(a))).toContain(
        '"text":"AD FS snapshot: fs.contoso.com, received 2026-11-22 08:00 UTC: auto-rollover off, generation 20 days before expiry, promotion 5 days after"',
      );
    });

    it('asks whether AD FS auto-rollover is on when nobody said so, with one button per answer', () => {
      const json = JSON.stringify(check(healthyAssessment()));
      expect(json).toContain('Is AD FS auto-rollover on for this IdP?');
      expect(json).toContain(
        '{"type":"Action.Execute","title":"Yes, it is on","verb":"autorollover","data":{"domain":"contoso.com","value":"on"},',
      );
      const answered = { ...healthyAssessment(), autoRollover: 'on' as const };
      expect(JSON.stringify(check(answered))).not.toContain('Is AD FS auto-rollover on');
    });

    it('renders a warning card with its exact remedy and the timeline', async () => {
      const card = check(await rolloverWarningAssessment());
      const json = JSON.stringify(card);
      expect(json).toContain('NEXT_CERT_NOT_IN_ENTRA');
      expect(json).toContain('Update-MgDomainFederationConfiguration');
      expect(json).toMatch(/▼ Today|Today ▼/);
      expect((await renderer.render(card, png('check-warning'))).warnings).toEqual([]);
    });

    it('renders the Exchange trust card of an organisation that missed an MFG rotation', async () => {
      const mfg = (await makeCert('CN=Live ID STS Signing Public Key', at(NOW, -40), at(NOW, 300)))
        .info;
      const stale = (
        await makeCert('CN=Live ID STS Signing Public Key', at(NOW, -500), at(NOW, 30))
      ).info;
      const org = (await makeCert('CN=Federation', at(NOW, -1750), at(NOW, 75))).info;
      const a = assessMfg({
        now: NOW,
        mode: 'on-demand',
        mfg: {
          parsed: metadataOf([mfg], 'urn:federation:MicrosoftOnline'),
          signature: { status: 'valid', thumbprintSha1: mfg.thumbprintSha1 },
          url: DEFAULT_MFG_METADATA_URL,
        },
        trust: { tokenIssuerCertificate: stale, orgCertificate: org, receivedAt: at(NOW, 0, -2) },
        organization: 'contoso',
        expectedMetadataUrl: DEFAULT_MFG_METADATA_URL,
      });
      a.exchange = {
        organization: 'contoso',
        computerName: 'EX01',
        receivedAt: at(NOW, 0, -2).toISOString(),
      };
      const card = check(a);
      const json = JSON.stringify(card);
      expect(json).toContain('Exchange trust of contoso — CRITICAL');
      expect(json).toContain('Set-FederationTrust -RefreshMetadata');
      expect(json).toContain('ORG_CERT_EXPIRING');
      expect(json).toContain(
        '"verb":"watch","data":{"domain":"exchange","organization":"contoso"}',
      );
      expect((await renderer.render(card, png('check-exchange'))).warnings).toEqual([]);
    });

    it('renders the hybrid app card: a next Auth certificate not uploaded, with the timeline', async () => {
      const a = assessHybrid({
        now: new Date('2026-11-13T12:00:00Z'),
        mode: 'on-demand',
        organization: 'contoso',
        auth: authFixture('collector-auth-next-staged.ps7.json', new Date('2026-11-13T11:00:00Z')),
        entra: entraFixture({ legacy: 'graph-legacy-sp-with-keys.json' }),
        graphBaseUrl: 'https://graph.microsoft.com',
      });
      const card = renderCheckCard(templates, a, { now: new Date('2026-11-13T12:00:00Z'), footer });
      const json = JSON.stringify(card);
      expect(json).toContain('Exchange hybrid app of contoso — WARNING');
      expect(json).toContain('Upload the next Auth certificate (NEXT_AUTH_CERT_NOT_IN_HYBRID_APP)');
      expect(json).toContain('ConfigureExchangeHybridApplication.ps1 -UpdateCertificate');
      expect(json).toContain('2 under 60 days, a successor is staged and must reach the app');
      expect(cardBytes(card)).toBeLessThan(TEAMS_LIMIT);
      expect((await renderer.render(card, png('check-exchange-hybrid'))).warnings).toEqual([]);
    });

    it('keeps the worst case (6 certificates, 20 findings) under the Teams size limit', async () => {
      const a = await worstCaseAssessment();
      const card = check(a);
      expect(cardBytes(card)).toBeLessThanOrEqual(TEAMS_LIMIT);
      const json = JSON.stringify(card);
      expect(json).toContain('SIGNER_NOT_IN_ENTRA');
      expect(json).toContain('Get-AdfsCertificate -CertificateType Token-Signing');
      expect((await renderer.render(card, png('check-worst-case'))).warnings).toEqual([]);
    });

    it('keeps a 50-domain summary under the size limit', async () => {
      const one = healthyAssessment();
      const results = Array.from({ length: 50 }, (_, i) => ({
        ...one,
        subject: { kind: 'domain' as const, domain: `subsidiary-${i}.contoso.com` },
        domain: `subsidiary-${i}.contoso.com`,
        status: (['ok', 'warning', 'critical', 'unknown'] as const)[i % 4]!,
      }));
      const card = renderSummaryCard(templates, results, {
        now: NOW,
        title: 'All federated domains',
        footer,
      });
      expect(cardBytes(card)).toBeLessThanOrEqual(TEAMS_LIMIT);
      expect(JSON.stringify(card)).toContain('subsidiary-49.contoso.com');
      expect((await renderer.render(card, png('summary-50'))).warnings).toEqual([]);
    });

    it("names a domain's worst finding in words in the summary, not by its code", async () => {
      const warning = await rolloverWarningAssessment();
      const worst = warning.findings.find((f) => f.severity !== 'info')!;
      const card = JSON.stringify(
        renderSummaryCard(templates, [warning], { now: NOW, title: 'Watched here', footer }),
      );
      expect(card).toContain(FINDING_TITLES[worst.code]);
      expect(card).not.toContain(`"${worst.code}"`);
    });

    it('renders the help and message cards', async () => {
      expect(
        (await renderer.render(renderHelpCard(templates, footer), png('help'))).warnings,
      ).toEqual([]);
      const error = renderMessageCard(
        templates,
        'That is not a domain',
        ['"not_a_domain" is not a domain name (give only the name, like contoso.com)'],
        'attention',
      );
      expect((await renderer.render(error, png('error'))).warnings).toEqual([]);
    });

    it.each([
      [
        'open',
        { state: 'open' as const, severity: 'critical' as const },
        ['Acknowledge', 'Snooze', 'Re-check', 'Runbook'],
      ],
      [
        'acknowledged',
        {
          state: 'acknowledged' as const,
          severity: 'critical' as const,
          acknowledgedBy: 'Ada Lovelace',
          acknowledgedAt: NOW,
        },
        ['Snooze', 'Re-check', 'Runbook'],
      ],
      [
        'resolved',
        { state: 'resolved' as const, severity: 'warning' as const, resolvedAt: NOW },
        ['Re-check', 'Runbook'],
      ],
    ])(
      'renders the alert card %s, with the buttons that still make sense',
      async (name, state, buttons) => {
        const card = renderAlertCard(templates, alertState(state), footer);
        expect((card.actions as { title: string }[]).map((a) => a.title)).toEqual(buttons);
        expect((await renderer.render(card, png(`alert-${name}`))).warnings).toEqual([]);
      },
    );

    it('never lets a hostile certificate subject become a link or markup', async () => {
      const hostile =
        'CN=[Reset your password](https://evil.example/login) **URGENT** <img src=x onerror=alert(1)> www.evil.example';
      const card = check(await rolloverWarningAssessment(hostile));
      const json = JSON.stringify(card);
      expect(json).not.toContain('](https://');
      // The only URL shown as it is: the metadata URL the bot fetched itself (copyable exactly).
      expect(
        json.match(/https:\/\/[^\s"\\]*/g)?.filter((u) => !u.startsWith('https://learn.')),
      ).toEqual(['https://fs.contoso.com/FederationMetadata/2007-06/FederationMetadata.xml']);
      expect(json).not.toContain('https://evil');
      expect(json).not.toContain('**URGENT**');
      expect(json).not.toContain('www.evil');
      const result = await renderer.render(card, png('check-hostile'));
      expect(result.warnings).toEqual([]);
      const page = browser.contexts()[0]!.pages()[0]!;
      const links = await page
        .locator('#card a')
        .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      expect(links.filter((href) => href.includes('evil'))).toEqual([]);
      expect(await page.locator('#card img').count()).toBe(0);
    });
  });
});
