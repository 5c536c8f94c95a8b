import { isValidAt } from './certificate';
import type { RuleContext } from './context';
import type { EntraSlot } from './entra-federation';
import type { CertInfo } from './types';

/** Microsoft docs each remedy comes from (the card's Runbook button). */
export const RUNBOOKS = {
  renew: 'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-fed-o365-certs',
  emergency:
    'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-emergency-ad-fs-certificate-rotation',
  graphUpdate:
    'https://learn.microsoft.com/powershell/module/microsoft.graph.identity.directorymanagement/update-mgdomainfederationconfiguration',
  adfsCerts:
    'https://learn.microsoft.com/windows-server/identity/ad-fs/operations/configure-ts-td-certs-ad-fs',
  federationManagement:
    'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-fed-management',
  exchangeFreeBusy:
    'https://learn.microsoft.com/exchange/troubleshoot/calendars/free-busy-lookups-stop-working',
  exchangeHybridApp:
    'https://learn.microsoft.com/exchange/hybrid-deployment/deploy-dedicated-hybrid-app',
  exchangeOrgCert:
    'https://learn.microsoft.com/exchange/renew-or-replace-the-federation-certificate-exchange-2013-help',
} as const;

/** PowerShell single-quoted literal. */
export function psQuote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * The slot a certificate should go into: an empty one, else one holding an expired certificate,
 * else one holding a certificate the IdP does not publish, else the one not holding the signer.
 */
export function freeSlot(ctx: RuleContext, cert: CertInfo): EntraSlot['name'] {
  const slots = ctx.federation?.slots;
  if (!slots) return 'NextSigningCertificate';
  const already = slots.find((s) => s.cert?.thumbprintSha1 === cert.thumbprintSha1);
  if (already) return already.name;
  const published = new Set(ctx.idpCerts.map((c) => c.thumbprintSha1));
  const order: ((s: EntraSlot) => boolean)[] = [
    (s) => !s.cert,
    (s) => s.cert !== undefined && !isValidAt(s.cert, ctx.now),
    (s) => s.cert !== undefined && !published.has(s.cert.thumbprintSha1),
    (s) => s.cert?.thumbprintSha1 !== ctx.signer?.cert.thumbprintSha1,
  ];
  for (const test of order) {
    const slot = slots.find(test);
    if (slot) return slot.name;
  }
  return 'NextSigningCertificate';
}

/**
 * The Graph PowerShell that puts `cert` in Entra's free slot. It writes what it is given and does
 * not read AD FS (DESIGN §1), so the base64 is filled in. Never `-Urgent`, never MFA behaviour.
 */
export function pushCertificateCommand(
  ctx: RuleContext,
  cert: CertInfo,
  slot: EntraSlot['name'] = freeSlot(ctx, cert),
): string {
  const domain = ctx.federatedDomain;
  const id = ctx.federation?.id
    ? psQuote(ctx.federation.id)
    : `(Get-MgDomainFederationConfiguration -DomainId ${psQuote(domain)}).Id`;
  const value = cert.base64
    ? psQuote(cert.base64)
    : `<base64 of the certificate ${cert.thumbprintSha1}>`;
  return [
    `Connect-MgGraph -Scopes 'Domain.ReadWrite.All'`,
    `Update-MgDomainFederationConfiguration -DomainId ${psQuote(domain)} -InternalDomainFederationId ${id} -${slot} ${value}`,
  ].join('\n');
}

/** AD FS with no successor: generate one (on the primary AD FS server). */
export const GENERATE_ADFS_CERT = 'Update-AdfsCertificate -CertificateType Token-Signing';
