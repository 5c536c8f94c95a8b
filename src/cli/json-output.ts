import type { Assessment } from '../engine/types';

/**
 * The `--json` document (DESIGN §2, a public interface: extend it, never break it). The engine's
 * assessment already has the documented field names; extra fields (runbook, signerMethod, idp,
 * entraUpdate, autoRollover, adfs, timeline kind; organization, hybrid and trustUsage for Exchange)
 * are extensions.
 */
export function toJsonDocument(checkedAt: Date, results: Assessment[]): string {
  return JSON.stringify(
    {
      checkedAt: checkedAt.toISOString(),
      results: results.map((r) => ({
        domain: r.domain,
        organization:
          r.subject.kind === 'domain' ? undefined : (r.subject.organization ?? undefined),
        status: r.status,
        findings: r.findings,
        certificates: r.certificates,
        timeline: r.timeline,
        signerMethod: r.signer?.method,
        idp: r.idp,
        entraUpdate: r.entraUpdate,
        autoRollover: r.autoRollover,
        adfs: r.adfs,
        hybrid: r.hybrid,
        trustUsage: r.trustUsage,
      })),
    },
    null,
    2,
  );
}
