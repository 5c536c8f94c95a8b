import { addDays, addHours, daysLeft } from '../certificate';
import { certLabel, severityAt } from '../finding-helpers';
import { holds } from '../hybrid-entra';
import type { Finding, Severity } from '../types';
import {
  finding,
  held,
  hybridRemedy,
  label,
  MONITOR_RENEW,
  updateCertificate,
  type Ctx,
  type Projection,
} from './hybrid-context';

/** Rule group 14 on the Auth certificate: in the app now and next (14.5, 14.6), its own life and
 * every server's store (14.7, 14.8), and a key that ends before its certificate (14.9). */

/** 14.5, 14.6: the certificates Exchange signs with (now, and from `eff`) in the app. */
export function uploadFindings(ctx: Ctx, p: Projection, firstSeen: Date | undefined): Finding[] {
  const out: Finding[] = [];
  for (const t of p.possiblyCurrent) {
    // An expired certificate is AUTH_CERT_EXPIRED's: renewing, not uploading, is the fix.
    const cert = ctx.certs.get(t);
    if (held(ctx, t) || (cert && ctx.now.getTime() >= cert.notAfter.getTime())) continue;
    out.push(
      finding(
        ctx,
        'AUTH_CERT_NOT_IN_HYBRID_APP',
        'critical',
        `Exchange signs with Auth certificate ${label(ctx, t)} but ${ctx.appName} does not hold it: free/busy, MailTips and photos from on-premises to Exchange Online fail now.`,
        updateCertificate(ctx, t),
        t,
      ),
    );
  }
  if (p.next && !p.switched && p.eff && !p.possiblyCurrent.includes(p.next)) {
    if (held(ctx, p.next)) return out;
    const seen = firstSeen ?? ctx.now;
    const severity = severityAt(ctx.now, [
      [new Date(0), 'info'],
      [addHours(seen, 48), 'warning'],
      [addHours(p.eff, -24), 'critical'],
    ]) as Severity;
    out.push(
      finding(
        ctx,
        'NEXT_AUTH_CERT_NOT_IN_HYBRID_APP',
        severity,
        `Next Auth certificate ${label(ctx, p.next)} takes effect ${p.eff.toISOString()} but ${ctx.appName} does not hold it: hybrid lookups break then.`,
        updateCertificate(ctx, p.next),
        p.next,
      ),
    );
  }
  return out;
}

function renewRemedy(ctx: Ctx, hybrid: boolean): string {
  const monitor = hybrid ? MONITOR_RENEW : MONITOR_RENEW.replace(' -IgnoreHybridConfig $true', '');
  return hybridRemedy(
    ctx,
    monitor,
    ...(hybrid ? [`.\\ConfigureExchangeHybridApplication.ps1 -UpdateCertificate${ctx.env}`] : []),
    '# To keep it automatic (a daily task):',
    `.\\MonitorExchangeAuthCertificate.ps1 -ConfigureScriptToRunViaScheduledTask${hybrid ? ' -IgnoreHybridConfig $true' : ''} -Password (Get-Credential).Password`,
    '# The tenant caps key lifetime at 365 days:',
    '.\\MonitorExchangeAuthCertificate.ps1 -EnforceNewAuthCertificateCreation -CustomCertificateLifetimeInDays 365 -Confirm:$false',
  );
}

/** 14.7, 14.8: the Auth certificate's own life, and on every reporting server. */
export function certificateFindings(ctx: Ctx, p: Projection, hybrid: boolean): Finding[] {
  const out: Finding[] = [];
  const projected = p.projected ? ctx.certs.get(p.projected) : undefined;
  const next = p.next ? ctx.certs.get(p.next) : undefined;
  if (projected && ctx.now.getTime() >= projected.notAfter.getTime()) {
    out.push(
      finding(
        ctx,
        'AUTH_CERT_EXPIRED',
        'critical',
        `Auth certificate ${certLabel(projected)} expired ${projected.notAfter.toISOString()}: OAuth, OWA/ECP sign-in and hybrid lookups fail.`,
        hybridRemedy(
          ctx,
          hybrid ? MONITOR_RENEW : MONITOR_RENEW.replace(' -IgnoreHybridConfig $true', ''),
          ...(hybrid
            ? [`.\\ConfigureExchangeHybridApplication.ps1 -UpdateCertificate${ctx.env}`]
            : []),
        ),
        projected.thumbprintSha1,
      ),
    );
  } else if (projected && !p.switched) {
    const noSuccessor = !p.next || (next && p.eff && next.notAfter.getTime() <= p.eff.getTime());
    const d = daysLeft(projected, ctx.now);
    const severity: Severity | undefined =
      d > 60 ? undefined : d > 57 ? 'info' : d > 30 ? 'warning' : 'critical';
    if (noSuccessor && severity) {
      const note =
        severity === 'info'
          ? '; the monitor stages a successor at 60 days'
          : severity === 'warning'
            ? ': MonitorExchangeAuthCertificate is not scheduled, or skips hybrid without -IgnoreHybridConfig $true'
            : '';
      out.push(
        finding(
          ctx,
          'AUTH_CERT_EXPIRING',
          severity,
          `Auth certificate ${certLabel(projected)} expires ${projected.notAfter.toISOString()} (${d} days) and no successor is staged${note}.`,
          renewRemedy(ctx, hybrid),
          projected.thumbprintSha1,
        ),
      );
    }
  }
  if (next && !p.switched && daysLeft(next, ctx.now) <= 120)
    out.push(
      finding(
        ctx,
        'NEXT_AUTH_CERT_INVALID',
        'warning',
        `Next Auth certificate ${certLabel(next)} expires ${next.notAfter.toISOString()}, within 120 days: it will be replaced and must be uploaded again.`,
        renewRemedy(ctx, hybrid),
        next.thumbprintSha1,
      ),
    );
  // Every reporting server's own view (FoundOnServer, HasPrivateKey).
  const checks: [string | undefined, Severity | undefined][] = [
    [p.projected, 'critical'],
    [
      p.switched ? undefined : p.next,
      p.eff
        ? severityAt(ctx.now, [
            [new Date(0), 'warning'],
            [addHours(p.eff, -24), 'critical'],
          ])
        : 'warning',
    ],
  ];
  for (const [thumbprint, severity] of checks) {
    if (!thumbprint || !severity) continue;
    const servers = (ctx.auth?.servers ?? []).filter((s) =>
      s.certificates.some(
        (c) => c.thumbprint === thumbprint && (!c.foundOnServer || c.hasPrivateKey === false),
      ),
    );
    if (servers.length === 0) continue;
    out.push(
      finding(
        ctx,
        'AUTH_CERT_MISSING_ON_SERVER',
        severity,
        `Auth certificate ${thumbprint} is not in the certificate store of ${servers.map((s) => s.computerName).join(', ')} (or has no private key).`,
        MONITOR_RENEW,
        thumbprint,
      ),
    );
  }
  return out;
}

/** 14.9: a key that ends before its certificate does. */
export function keyLifetimeFindings(ctx: Ctx, p: Projection): Finding[] {
  const out: Finding[] = [];
  for (const t of new Set([p.projected, p.switched ? undefined : p.next])) {
    const cert = t ? ctx.certs.get(t) : undefined;
    if (!t || !cert) continue;
    const keys = (ctx.app?.keyCredentials ?? []).filter((k) => holds(k, t, ctx.now));
    if (keys.length === 0) continue;
    const end = Math.max(...keys.map((k) => k.end?.getTime() ?? Infinity));
    if (!Number.isFinite(end) || end >= cert.notAfter.getTime()) continue;
    const severity = severityAt(ctx.now, [
      [addDays(new Date(end), -30), 'warning'],
      [addDays(new Date(end), -7), 'critical'],
    ]);
    if (!severity) continue;
    out.push(
      finding(
        ctx,
        'HYBRID_APP_KEY_EXPIRING',
        severity,
        `${ctx.appName}'s key for ${t} ends ${new Date(end).toISOString()}, before the certificate does.`,
        hybridRemedy(
          ctx,
          "# Renew the Auth certificate within the tenant's key-lifetime limit, then upload it:",
          '.\\MonitorExchangeAuthCertificate.ps1 -EnforceNewAuthCertificateCreation -CustomCertificateLifetimeInDays 365 -Confirm:$false',
          `.\\ConfigureExchangeHybridApplication.ps1 -UpdateCertificate${ctx.env}`,
        ),
        t,
      ),
    );
  }
  return out;
}
