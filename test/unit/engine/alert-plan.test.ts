import {
  alertKey,
  planAlertTransitions,
  type AlertRecord,
  type AlertTransition,
  type SweptFinding,
} from '../../../src/engine/alert-plan';
import { assessDomain } from '../../../src/engine/assess-domain';
import type { CertInfo, Finding } from '../../../src/engine/types';
import { at, makeCert } from '../../support/certs';
import { federated, federationOf, scenario } from '../../support/scenario';

const E = new Date('2027-01-01T00:00:00Z');
const IDP =
  'http://fs.contoso.com/adfs/services/trust|https://fs.contoso.com/FederationMetadata/2007-06/FederationMetadata.xml';
let S: CertInfo;
let N: CertInfo;

beforeAll(async () => {
  S = (await makeCert('CN=ADFS Signing - fs.contoso.com', at(E, -365), E)).info;
  N = (await makeCert('CN=ADFS Signing - fs.contoso.com', at(E, -20), at(E, 345))).info;
});

/** Applies transitions the way the store does, so a sequence of sweeps can be replayed. */
class AlertBook {
  alerts: AlertRecord[] = [];
  log: { at: Date; t: AlertTransition }[] = [];
  private next = 1;

  apply(now: Date, transitions: AlertTransition[]): void {
    for (const t of transitions) {
      this.log.push({ at: now, t });
      const alert = 'alertId' in t ? this.alerts.find((a) => a.id === t.alertId)! : undefined;
      switch (t.kind) {
        case 'open':
          this.alerts.push({
            id: `a${this.next++}`,
            key: t.key,
            idpKey: t.idpKey,
            code: t.code,
            thumbprint: t.thumbprint,
            severity: t.severity,
            state: 'open',
            domains: t.domains,
            message: t.message,
            remedy: t.remedy,
            openedAt: now,
            lastNotifiedAt: now,
          });
          break;
        case 'raise':
          Object.assign(alert!, {
            severity: 'critical',
            state: 'open',
            domains: t.domains,
            message: t.message,
            remedy: t.remedy,
            lastNotifiedAt: now,
            snoozedUntil: undefined,
          });
          break;
        case 'refresh':
          Object.assign(alert!, { domains: t.domains, message: t.message, remedy: t.remedy });
          break;
        case 'escalate':
          alert!.lastNotifiedAt = now;
          break;
        case 'unsnooze':
          Object.assign(alert!, { state: 'open', snoozedUntil: undefined });
          break;
        case 'resolve':
          alert!.state = 'resolved';
          break;
      }
    }
  }

  sweep(now: Date, findings: SweptFinding[], escalateAfterHours = 4): AlertTransition[] {
    const transitions = planAlertTransitions({
      now,
      findings,
      sweptIdpKeys: [IDP],
      alerts: this.alerts.filter((a) => a.state !== 'resolved'),
      escalateAfterHours,
    });
    this.apply(now, transitions);
    return transitions;
  }

  kinds(code?: string): string[] {
    return this.log
      .filter(
        (l) =>
          !code ||
          ('code' in l.t
            ? l.t.code === code
            : this.alerts.find((a) => 'alertId' in l.t && a.id === l.t.alertId)?.code === code),
      )
      .map((l) => l.t.kind);
  }
}

function findingsOf(domain: string, findings: Finding[]): SweptFinding[] {
  return findings.map((finding) => ({ idpKey: IDP, domain, finding }));
}

describe('planAlertTransitions over hourly sweeps', () => {
  it('never alerts for a healthy default rollover, from 60 days to expiry', () => {
    const book = new AlertBook();
    for (let h = -60 * 24; h < 0; h++) {
      const now = at(E, 0, h);
      const published = now < at(E, -20) ? [S] : [S, N];
      const a = assessDomain(
        scenario({
          now,
          published,
          signer: now < at(E, -15) ? S : N,
          entra: federated(federationOf(S, now >= at(E, -19) ? N : undefined)),
          extra: { mode: 'sweep' },
        }),
      );
      book.sweep(now, findingsOf('contoso.com', a.findings));
    }
    expect(book.log).toEqual([]);
  });

  it('fires each threshold once when Entra never picks up the successor, escalates, and resolves', () => {
    const book = new AlertBook();
    for (let h = -21 * 24; h < -15 * 24; h++) {
      const now = at(E, 0, h);
      const a = assessDomain(
        scenario({
          now,
          published: now < at(E, -20) ? [S] : [S, N],
          signer: S,
          entra: federated(federationOf(S)),
          extra: { mode: 'sweep' },
        }),
      );
      book.sweep(now, findingsOf('contoso.com', a.findings));
    }
    // warning at generation + 48 h, critical 24 h before promotion, then every 4 h
    expect(
      book.log
        .filter((l) => l.t.kind === 'open')
        .map((l) => [l.at.toISOString(), (l.t as { severity: string }).severity]),
    ).toEqual([[at(E, -18).toISOString(), 'warning']]);
    expect(book.log.filter((l) => l.t.kind === 'raise').map((l) => l.at.toISOString())).toEqual([
      at(E, -16).toISOString(),
    ]);
    expect(book.log.filter((l) => l.t.kind === 'escalate').map((l) => l.at.toISOString())).toEqual(
      [4, 8, 12, 16, 20].map((h) => at(E, -16, h).toISOString()),
    );
    // Entra picks it up: the alert resolves at the next sweep
    const fixed = assessDomain(
      scenario({
        now: at(E, -15, 1),
        published: [S, N],
        signer: S,
        entra: federated(federationOf(S, N)),
        extra: { mode: 'sweep' },
      }),
    );
    expect(book.sweep(at(E, -15, 1), findingsOf('contoso.com', fixed.findings))).toEqual([
      { kind: 'resolve', alertId: 'a1' },
    ]);
  });
});

describe('planAlertTransitions, rule by rule', () => {
  const warning = (domain: string, message = 'm'): SweptFinding => ({
    idpKey: IDP,
    domain,
    finding: {
      code: 'NEXT_CERT_NOT_IN_ENTRA',
      severity: 'warning',
      message,
      remedy: 'r',
      thumbprint: 'AB',
    },
  });
  const critical = (domain: string): SweptFinding => ({
    idpKey: IDP,
    domain,
    finding: {
      code: 'NEXT_CERT_NOT_IN_ENTRA',
      severity: 'critical',
      message: 'm',
      remedy: 'r',
      thumbprint: 'AB',
    },
  });
  const now = new Date('2026-11-22T10:00:00Z');
  const alert = (over: Partial<AlertRecord> = {}): AlertRecord => ({
    id: 'x',
    key: alertKey(IDP, 'AB', 'NEXT_CERT_NOT_IN_ENTRA'),
    idpKey: IDP,
    code: 'NEXT_CERT_NOT_IN_ENTRA',
    thumbprint: 'AB',
    severity: 'warning',
    state: 'open',
    domains: ['contoso.com'],
    message: 'm',
    remedy: 'r',
    openedAt: now,
    lastNotifiedAt: at(now, -1),
    ...over,
  });
  const plan = (
    findings: SweptFinding[],
    alerts: AlertRecord[],
    extra: Partial<Parameters<typeof planAlertTransitions>[0]> = {},
  ) =>
    planAlertTransitions({
      now,
      findings,
      sweptIdpKeys: [IDP],
      alerts,
      escalateAfterHours: 4,
      ...extra,
    });

  it('opens one alert per IdP, certificate and rule, listing every affected domain', () => {
    expect(plan([warning('fabrikam.com'), warning('contoso.com')], [])).toEqual([
      {
        kind: 'open',
        key: alertKey(IDP, 'AB', 'NEXT_CERT_NOT_IN_ENTRA'),
        idpKey: IDP,
        code: 'NEXT_CERT_NOT_IN_ENTRA',
        thumbprint: 'AB',
        severity: 'warning',
        domains: ['contoso.com', 'fabrikam.com'],
        message: 'm',
        remedy: 'r',
      },
    ]);
  });

  it('never alerts for info findings', () => {
    expect(
      plan(
        [
          {
            idpKey: IDP,
            domain: 'contoso.com',
            finding: { code: 'ROLLOVER_PENDING', severity: 'info', message: '', remedy: '' },
          },
        ],
        [],
      ),
    ).toEqual([]);
  });

  it('posts a warning once and never escalates it', () => {
    expect(plan([warning('contoso.com')], [alert({ lastNotifiedAt: at(now, -30) })])).toEqual([]);
  });

  it('raises a warning to critical once, even when acknowledged or snoozed', () => {
    for (const state of ['open', 'acknowledged', 'snoozed'] as const) {
      expect(plan([critical('contoso.com')], [alert({ state, snoozedUntil: at(now, 1) })])).toEqual(
        [
          {
            kind: 'raise',
            alertId: 'x',
            severity: 'critical',
            domains: ['contoso.com'],
            message: 'm',
            remedy: 'r',
          },
        ],
      );
    }
  });

  it.each([
    [3.99 / 24, []],
    [4 / 24, [{ kind: 'escalate', alertId: 'x' }]],
  ])('re-notifies an open critical %s days after the last notification', (days, expected) => {
    expect(
      plan(
        [critical('contoso.com')],
        [alert({ severity: 'critical', message: 'm', lastNotifiedAt: at(now, -days) })],
      ),
    ).toEqual(expected);
  });

  it('honours fractional ESCALATE_AFTER_HOURS', () => {
    expect(
      plan(
        [critical('contoso.com')],
        [alert({ severity: 'critical', message: 'm', lastNotifiedAt: at(now, 0, -0.5) })],
        { escalateAfterHours: 0.5 },
      ),
    ).toEqual([{ kind: 'escalate', alertId: 'x' }]);
  });

  it('does not escalate an acknowledged or snoozed critical, and wakes a snooze when it ends', () => {
    const old = at(now, -2);
    expect(
      plan(
        [critical('contoso.com')],
        [alert({ severity: 'critical', message: 'm', state: 'acknowledged', lastNotifiedAt: old })],
      ),
    ).toEqual([]);
    expect(
      plan(
        [critical('contoso.com')],
        [
          alert({
            severity: 'critical',
            state: 'snoozed',
            snoozedUntil: at(now, 0, 1),
            lastNotifiedAt: old,
          }),
        ],
      ),
    ).toEqual([]);
    expect(
      plan(
        [critical('contoso.com')],
        [
          alert({
            severity: 'critical',
            state: 'snoozed',
            snoozedUntil: at(now, 0, -1),
            lastNotifiedAt: old,
          }),
        ],
      ),
    ).toEqual([
      { kind: 'unsnooze', alertId: 'x' },
      { kind: 'escalate', alertId: 'x' },
    ]);
  });

  it('refreshes the card quietly when the affected domains change', () => {
    expect(plan([warning('contoso.com'), warning('eu.contoso.com')], [alert()])).toEqual([
      {
        kind: 'refresh',
        alertId: 'x',
        domains: ['contoso.com', 'eu.contoso.com'],
        message: 'm',
        remedy: 'r',
      },
    ]);
  });

  it('leaves certificate alerts of an IdP whose metadata could not be read as they are', () => {
    expect(plan([], [alert()], { unreadableIdpKeys: [IDP] })).toEqual([]);
    expect(
      plan([], [alert({ code: 'METADATA_UNREACHABLE' })], { unreadableIdpKeys: [IDP] }),
    ).toEqual([{ kind: 'resolve', alertId: 'x' }]);
  });

  it("keeps alerts about Entra's side while Entra could not be read, and resolves the others", () => {
    const entraSide = alert({ code: 'SIGNER_NOT_IN_ENTRA' });
    expect(plan([], [entraSide], { entraBlindIdpKeys: [IDP] })).toEqual([]);
    expect(plan([], [alert({ code: 'CERT_EXPIRED' })], { entraBlindIdpKeys: [IDP] })).toEqual([
      { kind: 'resolve', alertId: 'x' },
    ]);
    expect(plan([], [entraSide])).toEqual([{ kind: 'resolve', alertId: 'x' }]); // Entra seen: resolves
  });

  it('resolves at the first sweep where the rule no longer fires, and leaves other IdPs alone', () => {
    expect(plan([], [alert()])).toEqual([{ kind: 'resolve', alertId: 'x' }]);
    expect(plan([], [alert()], { sweptIdpKeys: ['another-idp'] })).toEqual([]);
  });
});
