import type { AlertCardState } from '../../src/cards/alert-card';
import { renderAlertCard } from '../../src/cards/alert-card';
import type { AdaptiveCard, CardTemplates } from '../../src/cards/card-templates';
import { renderCheckCard } from '../../src/cards/check-card';
import { renderWatchCard } from '../../src/cards/confirmation-cards';
import { renderHelpCard, renderMessageCard, renderSummaryCard } from '../../src/cards/other-cards';
import { assessHybrid } from '../../src/engine/assess-hybrid';
import { assessMfg } from '../../src/engine/assess-mfg';
import { at, makeCert } from './certs';
import { metadataOf } from './scenario';
import type { Assessment } from '../../src/engine/types';
import { authFixture, entraFixture } from './exchange-hybrid';
import {
  healthyAssessment,
  NOW,
  rolloverWarningAssessment,
  worstCaseAssessment,
} from './sample-assessments';

const footer = 'Checked 2026-11-22 09:00 UTC · fedtrust';

/** The card as it is after a person pressed Details. */
function withDetails(card: AdaptiveCard): AdaptiveCard {
  const open = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(open);
    if (typeof node !== 'object' || node === null) return node;
    const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, open(v)]));
    return copy.id === 'details' ? { ...copy, isVisible: true } : copy;
  };
  return open(card) as AdaptiveCard;
}

/** An alert on the card, in the given state (the rest: a critical NEXT_CERT_NOT_IN_ENTRA). */
export function alertState(state: Partial<AlertCardState>): AlertCardState {
  return {
    id: 'a1',
    key: 'k',
    idpKey: 'i',
    code: 'NEXT_CERT_NOT_IN_ENTRA',
    thumbprint: '0123456789ABCDEF0123456789ABCDEF01234567',
    domains: ['contoso.com', 'eu.contoso.com'],
    message:
      'AD FS published the next certificate CN=ADFS Signing - fs.contoso.com but Entra has not picked it up; AD FS promotes it on 2026-12-01.',
    remedy:
      "Connect-MgGraph -Scopes 'Domain.ReadWrite.All'\nUpdate-MgDomainFederationConfiguration -DomainId 'contoso.com' -InternalDomainFederationId '6601d14b-d113-8f64-fda2-9b5ddda18ecc' -NextSigningCertificate 'MIIC9DCCAdygAwIBAgIQ'",
    openedAt: new Date('2026-11-20T10:00:00Z'),
    lastNotifiedAt: NOW,
    state: 'open',
    severity: 'critical',
    ...state,
  };
}

/**
 * Every kind of card the bot sends (issue #13's list), built from the same sources the bot uses:
 * real fixtures and generated certificates.
 */
export async function cardGallery(templates: CardTemplates): Promise<[string, AdaptiveCard][]> {
  const check = (a: Assessment, now = NOW) => renderCheckCard(templates, a, { now, footer });
  const healthy = healthyAssessment();
  const warning = await rolloverWarningAssessment();
  const critical: Assessment = {
    ...warning,
    status: 'critical',
    findings: warning.findings.map((f) => ({ ...f, severity: 'critical' as const })),
  };
  const hybridNow = new Date('2026-11-13T12:00:00Z');
  const hybrid = assessHybrid({
    now: hybridNow,
    mode: 'on-demand',
    organization: 'contoso',
    auth: authFixture('collector-auth-next-staged.ps7.json', new Date('2026-11-13T11:00:00Z')),
    entra: entraFixture({ legacy: 'graph-legacy-sp-with-keys.json' }),
    graphBaseUrl: 'https://graph.microsoft.com',
  });
  const mfgCert = (await makeCert('CN=Live ID STS Signing Public Key', at(NOW, -40), at(NOW, 300)))
    .info;
  const stale = (await makeCert('CN=Live ID STS Signing Public Key', at(NOW, -500), at(NOW, 30)))
    .info;
  const org = (await makeCert('CN=Federation', at(NOW, -1750), at(NOW, 75))).info;
  const mfg = assessMfg({
    now: NOW,
    mode: 'on-demand',
    mfg: {
      parsed: metadataOf([mfgCert], 'urn:federation:MicrosoftOnline'),
      signature: { status: 'valid', thumbprintSha1: mfgCert.thumbprintSha1 },
    },
    trust: { tokenIssuerCertificate: stale, orgCertificate: org, receivedAt: at(NOW, 0, -2) },
    organization: 'contoso',
    trustUsage: 'in-use',
  });
  const summary = Array.from({ length: 50 }, (_, i) => ({
    ...healthy,
    subject: { kind: 'domain' as const, domain: `subsidiary-${i}.contoso.com` },
    domain: `subsidiary-${i}.contoso.com`,
    status: (['ok', 'warning', 'critical', 'unknown'] as const)[i % 4]!,
  }));
  return [
    ['check-ok', check(healthy)],
    ['check-warning', check(warning)],
    ['check-critical', check(critical)],
    ['check-worst-case', check(await worstCaseAssessment())],
    ['check-details', withDetails(check(warning))],
    ['check-exchange-hybrid', check(hybrid, hybridNow)],
    ['check-exchange-trust', check(mfg)],
    ['watch-exchange', renderWatchCard(templates, { kind: 'exchange' }, 'added')],
    [
      'summary-50',
      renderSummaryCard(templates, summary, { now: NOW, title: 'All federated domains', footer }),
    ],
    [
      'watchlist',
      renderSummaryCard(templates, [healthy, warning, hybrid], {
        now: NOW,
        title: 'Watched here: 3 domain(s)',
        footer,
      }),
    ],
    ['help', renderHelpCard(templates, footer)],
    [
      'error',
      renderMessageCard(
        templates,
        'That is not a domain',
        ['"not_a_domain" is not a domain name (give only the name, like contoso.com)'],
        'attention',
      ),
    ],
    [
      'checking',
      renderMessageCard(
        templates,
        'Checking contoso.com…',
        ['Reading the metadata and Entra; this card updates in place.'],
        'emphasis',
      ),
    ],
    [
      'alerts-list',
      renderMessageCard(
        templates,
        '2 open alert(s)',
        [
          'CRITICAL · open · SIGNER_NOT_IN_ENTRA · contoso.com (since 2026-11-20)',
          'WARNING · acknowledged · TLS_CERT_EXPIRING · fabrikam.com (since 2026-11-21)',
        ],
        'attention',
      ),
    ],
    ['alert-open', renderAlertCard(templates, alertState({}), footer)],
    [
      'alert-not-delivered',
      renderAlertCard(
        templates,
        alertState({
          deliveries: {
            posted: 3,
            failed: [
              {
                where: 'the channel SRE & Identity <Ops>',
                error: 'HTTP 403: the bot was removed from the conversation',
              },
              { where: 'a chat (a:1xMbYvEQ2pOQ8F3kmc4wdbi)', error: 'HTTP 400: BadArgument' },
            ],
          },
        }),
        footer,
      ),
    ],
    [
      'alert-acknowledged',
      renderAlertCard(
        templates,
        alertState({ state: 'acknowledged', acknowledgedBy: 'Ada Lovelace', acknowledgedAt: NOW }),
        footer,
      ),
    ],
    [
      'alert-resolved',
      renderAlertCard(
        templates,
        alertState({ state: 'resolved', severity: 'warning', resolvedAt: NOW }),
        footer,
      ),
    ],
    [
      'alert-warning',
      renderAlertCard(
        templates,
        alertState({
          severity: 'warning',
          code: 'AUTO_ROLLOVER_OFF',
          // A remedy that mixes sentences and commands: text, then code, then text.
          remedy:
            'On the primary AD FS server: Get-AdfsProperties | Select-Object AutoCertificateRollover\nUpdate-AdfsCertificate -CertificateType Token-Signing\nThen give Entra the new certificate (it appears in this check once published).',
        }),
        footer,
      ),
    ],
  ];
}
