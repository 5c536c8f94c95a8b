import { addHours } from '../certificate';
import type { ExchangeAuth } from '../exchange-auth';
import { certLabel } from '../finding-helpers';
import { holds, type EntraApplication } from '../hybrid-entra';
import type { HybridAssessmentInput } from '../hybrid-facts';
import { RUNBOOKS } from '../remedies';
import type { CertInfo, Finding, Severity } from '../types';

/**
 * What every rule of group 14 shares: the context of one assessment, the projection of the Auth slots
 * to `now` (design §4.1 "possibly current", "projected current"), and how a finding and a remedy are written.
 */

export const MONITOR_RENEW =
  '.\\MonitorExchangeAuthCertificate.ps1 -ValidateAndRenewAuthCertificate $true -IgnoreHybridConfig $true -Confirm:$false';

export interface Ctx {
  input: HybridAssessmentInput;
  now: Date;
  auth?: ExchangeAuth;
  app?: EntraApplication;
  entraKnown: boolean;
  env: string;
  envNote: string;
  appName: string;
  asOf: string;
  certs: Map<string, CertInfo>;
}

export function hybridRemedy(ctx: Ctx, ...lines: string[]): string {
  return [...lines, ...(ctx.envNote ? [ctx.envNote] : [])].join('\n');
}

export function updateCertificate(ctx: Ctx, thumbprint: string): string {
  return hybridRemedy(
    ctx,
    `.\\ConfigureExchangeHybridApplication.ps1 -UpdateCertificate${ctx.env}`,
    '# Exchange without Graph access: export the public key, copy it, upload it from a machine that has Graph access',
    `Export-Certificate -Cert Cert:\\LocalMachine\\My\\${thumbprint} -FilePath C:\\temp\\${thumbprint}.cer`,
    `.\\ConfigureExchangeHybridApplication.ps1 -UpdateCertificate -CertificateMethod "File" -CertificateInformation "C:\\temp\\${thumbprint}.cer"${ctx.env}`,
  );
}

export function held(ctx: Ctx, thumbprint: string): boolean {
  return (ctx.app?.keyCredentials ?? []).some((k) => holds(k, thumbprint, ctx.now));
}

export function label(ctx: Ctx, thumbprint: string): string {
  const cert = ctx.certs.get(thumbprint);
  return cert ? certLabel(cert) : thumbprint;
}

export function finding(
  ctx: Ctx,
  code: Finding['code'],
  severity: Severity,
  message: string,
  remedy = '',
  thumbprint?: string,
): Finding {
  return {
    code,
    severity,
    message: `${ctx.input.organization}: ${message}${ctx.asOf}`,
    remedy,
    runbook: RUNBOOKS.exchangeHybridApp,
    ...(thumbprint ? { thumbprint } : {}),
  };
}

export interface Projection {
  cur?: string;
  next?: string;
  prev?: string;
  eff?: Date;
  possiblyCurrent: string[];
  projected?: string;
  switched: boolean;
}

export function project(auth: ExchangeAuth, now: Date): Projection {
  const { current: cur, next, previous: prev, effective: eff } = auth;
  const effective = next && eff && now.getTime() >= eff.getTime();
  const switched = Boolean(next && eff && now.getTime() >= addHours(eff, 12).getTime());
  return {
    cur,
    next,
    prev,
    eff,
    possiblyCurrent: [...(cur ? [cur] : []), ...(effective && next ? [next] : [])],
    projected: switched ? next : (cur ?? next),
    switched,
  };
}
