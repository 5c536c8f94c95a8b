import type { CertInfo, Finding, Severity, Status } from './types';

/** ISO date (day precision) for messages. */
export function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** "CN=ADFS Signing - fs.contoso.com (E3140DC2…)" for one-line messages. */
export function certLabel(cert: CertInfo): string {
  return `${cert.subject || 'certificate'} (${cert.thumbprintSha1})`;
}

/**
 * The severity in force at `now` for a rule that escalates at fixed instants: the last step whose
 * instant has passed. Steps are in chronological order; `undefined` means "nothing yet".
 */
export function severityAt(now: Date, steps: [Date, Severity | undefined][]): Severity | undefined {
  let current: Severity | undefined;
  for (const [from, severity] of steps) {
    if (now.getTime() >= from.getTime()) current = severity;
  }
  return current;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export function worstSeverity(findings: Pick<Finding, 'severity'>[]): Severity | undefined {
  return findings.reduce<Severity | undefined>(
    (worst, f) => (worst === undefined || RANK[f.severity] > RANK[worst] ? f.severity : worst),
    undefined,
  );
}

export function maxSeverity(a: Severity, b: Severity | undefined): Severity {
  return b !== undefined && RANK[b] > RANK[a] ? b : a;
}

/** Statuses worst first (DESIGN §4 "Verdict"): critical > unknown > warning > ok. */
export const STATUS_ORDER: readonly Status[] = ['critical', 'unknown', 'warning', 'ok'];
