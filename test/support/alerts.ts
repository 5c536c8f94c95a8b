import { alertKey, type AlertTransition } from '../../src/engine/alert-plan';

/** A new critical CERT_EXPIRING alert of `idpKey` for `domains`, as a sweep would open it. */
export function openCritical(
  idpKey = 'idp',
  domains: string[] = ['contoso.com'],
  message = 'm',
): Extract<AlertTransition, { kind: 'open' }> {
  return {
    kind: 'open',
    key: alertKey(idpKey, 'AB', 'CERT_EXPIRING'),
    idpKey,
    code: 'CERT_EXPIRING',
    thumbprint: 'AB',
    severity: 'critical',
    domains,
    message,
    remedy: 'r',
  };
}
