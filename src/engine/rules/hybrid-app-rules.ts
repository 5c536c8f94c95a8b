import type { ExchangeAuth } from '../exchange-auth';
import { day } from '../finding-helpers';
import {
  FULL_ACCESS_AS_APP,
  GRAPH_WORKFLOW_ROLES,
  type HybridEntra,
  type KeyCredential,
} from '../hybrid-entra';
import { supportsDedicatedApp, type OnPremisesFacts } from '../hybrid-facts';
import type { Finding } from '../types';
import { finding, hybridRemedy, type Ctx, type Projection } from './hybrid-context';

/** Rule group 14 on the Entra side: the dedicated app configured and consented (14.3, 14.4), its
 * credentials (14.10), the legacy first-party principal (14.11) and the settings fingerprint (14.12). */

/** 14.3 and 14.4: the dedicated app configured, and consented. */
export function appFindings(ctx: Ctx, facts: OnPremisesFacts): Finding[] {
  const out: Finding[] = [];
  const entra = ctx.input.entra;
  if (facts.overrides > 1)
    out.push(
      finding(
        ctx,
        'HYBRID_APP_OVERRIDE_AMBIGUOUS',
        'warning',
        `${facts.overrides} ExchangeOnpremAsThirdPartyAppId setting overrides: Exchange's choice is undefined.`,
        [
          'Get-SettingOverride | Where-Object {$_.ComponentName -eq "Global" -and $_.SectionName -eq "ExchangeOnpremAsThirdPartyAppId"} | Remove-SettingOverride -Confirm:$false',
          '.\\ConfigureExchangeHybridApplication.ps1 -EnableExchangeHybridApplicationOverride',
        ].join('\n'),
      ),
    );
  const noApp = ctx.entraKnown && !ctx.app;
  const graphWithoutFeature = facts.workflow === 'graph' && facts.feature === 'disabled';
  if ((facts.feature === 'disabled' && facts.overrides <= 1) || noApp || graphWithoutFeature) {
    const reason = noApp
      ? `no ${ctx.appName} application in Entra`
      : graphWithoutFeature && facts.featureMissing === undefined
        ? 'RouteThroughMSGraph is enabled but the dedicated-app feature is not'
        : (facts.featureMissing ?? 'the dedicated-app feature is not enabled');
    const below = serversBelowSupportedBuild(ctx.auth);
    const steps: string[] = [];
    if (below.length > 0)
      steps.push(`# Install the April 2025 hotfix update (or later) on ${below.join(', ')} first`);
    if (noApp || !ctx.entraKnown)
      steps.push(
        `.\\ConfigureExchangeHybridApplication.ps1 -FullyConfigureExchangeHybridApplication${ctx.env}`,
      );
    if (!noApp) {
      const appId =
        (entra.kind === 'known' ? entra.app?.appId : undefined) ?? facts.appId ?? '<APP_ID>';
      if (!ctx.entraKnown) steps.push('# The app exists already:');
      steps.push(
        '.\\ConfigureExchangeHybridApplication.ps1 -ConfigureAuthServer -EnableExchangeHybridApplicationOverride',
        '# Exchange cannot reach Graph:',
        `.\\ConfigureExchangeHybridApplication.ps1 -ConfigureAuthServer -EnableExchangeHybridApplicationOverride -CustomAppId ${appId} -TenantId ${facts.tenantId ?? '<TENANT_ID>'} -RemoteRoutingDomain <tenant>.mail.onmicrosoft.com`,
      );
    }
    out.push(
      finding(
        ctx,
        'HYBRID_APP_NOT_CONFIGURED',
        'critical',
        `OAuth hybrid without a working dedicated app (${reason}): free/busy, MailTips and photos with Exchange Online fail since 31 Oct 2025.`,
        hybridRemedy(ctx, ...steps),
      ),
    );
  }
  // Consent is judged only when it was read (the CLI without --consent-file does not read it).
  if (entra.kind === 'known' && entra.app && entra.assignments !== undefined) {
    const sp = entra.appServicePrincipal;
    let missing: string | undefined;
    if (!sp) missing = 'a service principal';
    else if (!sp.accountEnabled) missing = 'an enabled service principal (accountEnabled is false)';
    else {
      if (facts.workflow === 'ews') {
        const ok = entra.assignments.some(
          (a) =>
            a.appRoleId === FULL_ACCESS_AS_APP &&
            (!entra.exchangeOnlineSpId || a.resourceId === entra.exchangeOnlineSpId.toLowerCase()),
        );
        if (!ok) missing = 'full_access_as_app';
      } else {
        const graph = entra.microsoftGraph;
        const have = new Set(
          (entra.assignments ?? [])
            .filter((a) => a.resourceId === graph?.spId)
            .map((a) => a.appRoleId),
        );
        const lacking = GRAPH_WORKFLOW_ROLES.filter((r) => {
          const id = graph?.roleIds[r];
          return !id || !have.has(id);
        });
        if (lacking.length > 0) missing = `the Graph permissions (${lacking.join(', ')})`;
      }
    }
    if (missing) {
      const spId = sp?.id ?? '<APP_SP_ID>';
      const graph = entra.microsoftGraph;
      const grant =
        facts.workflow === 'ews'
          ? `New-MgServicePrincipalAppRoleAssignment -ServicePrincipalId ${spId} -PrincipalId ${spId} -ResourceId ${entra.exchangeOnlineSpId ?? '<EXO_SP_ID>'} -AppRoleId ${FULL_ACCESS_AS_APP}`
          : GRAPH_WORKFLOW_ROLES.map(
              (r) =>
                `New-MgServicePrincipalAppRoleAssignment -ServicePrincipalId ${spId} -PrincipalId ${spId} -ResourceId ${graph?.spId ?? '<MSGRAPH_SP_ID>'} -AppRoleId ${graph?.roleIds[r] ?? `<id of ${r}>`}`,
            ).join('\n');
      out.push(
        finding(
          ctx,
          'HYBRID_APP_CONSENT_MISSING',
          'critical',
          `${entra.app.displayName || ctx.appName} has no admin consent for ${missing}: hybrid lookups from on-premises to Exchange Online fail (HCW8126).`,
          [
            `# Entra admin center → Enterprise applications → ${entra.app.displayName || ctx.appName} → Permissions → Grant admin consent; or:`,
            grant,
          ].join('\n'),
        ),
      );
    }
  }
  return out;
}

function serversBelowSupportedBuild(auth: ExchangeAuth | undefined): string[] {
  return (auth?.servers ?? [])
    .filter((s) => s.exSetupVersion !== undefined && !supportsDedicatedApp(s.exSetupVersion))
    .map((s) => s.computerName);
}

const AUTH_SUBJECT = /^CN=Microsoft Exchange Server Auth Certificate$/i;

function keyDescription(k: KeyCredential): string {
  return `keyId ${k.keyId}${k.customKeyIdentifier ? `, customKeyIdentifier ${k.customKeyIdentifier}` : ''}${k.end ? `, ends ${day(k.end)}` : ''}`;
}

/** 14.10: every credential on the dedicated app (and its service principal) accounted for. */
export function hygieneFindings(ctx: Ctx, p: Projection | undefined): Finding[] {
  const entra = ctx.input.entra;
  if (entra.kind !== 'known' || !entra.app) return [];
  const out: Finding[] = [];
  const name = entra.app.displayName || ctx.appName;
  const live = new Set(
    [p?.cur, p?.next].filter((t): t is string => !!t && t !== (p?.switched ? p.cur : undefined)),
  );
  if (p?.switched && p.next) live.add(p.next);
  const history = new Set(ctx.input.history?.authThumbprints ?? []);
  const unknown = (k: { keyId: string }, what: string) =>
    finding(
      ctx,
      'HYBRID_APP_UNKNOWN_CREDENTIAL',
      'warning',
      `${name} (full access to every mailbox) has a credential that is not an Exchange Auth certificate: ${what}. Find out who added it.`,
      `# Entra audit log: "Update application – Certificates and secrets management", then remove it:\n# Entra admin center → App registrations → ${name} → Certificates & secrets`,
      k.keyId,
    );
  const stale = (k: KeyCredential, what: string) =>
    finding(ctx, 'HYBRID_APP_STALE_KEY', 'info', `${name} still holds ${what}.`, '', k.keyId);
  const judge = (k: KeyCredential, onApp: boolean) => {
    if (k.spoofed)
      return out.push(
        unknown(
          k,
          `${keyDescription(k)} — labelled as Auth certificate ${k.customKeyIdentifier} but holds another key`,
        ),
      );
    const expired = k.end !== undefined && k.end.getTime() <= ctx.now.getTime();
    // A live slot's expired key is the certificate's own expiry (AUTH_CERT_EXPIRED, 14.5, 14.9).
    if (expired && onApp && k.thumbprint && live.has(k.thumbprint)) return;
    if (expired) return out.push(stale(k, `an expired key (${keyDescription(k)})`));
    if (!onApp || k.type !== 'AsymmetricX509Cert' || !k.thumbprint)
      return out.push(
        unknown(k, `${onApp ? '' : 'on its service principal: '}${keyDescription(k)}`),
      );
    // The previous certificate's key stays until it expires (in-flight tokens); then it is stale.
    if (live.has(k.thumbprint) || k.thumbprint === p?.prev || k.thumbprint === p?.cur) return;
    const wasAuth =
      history.has(k.thumbprint) ||
      (!ctx.auth && k.cert !== undefined && AUTH_SUBJECT.test(k.cert.subject));
    if (!ctx.auth && wasAuth) return;
    if (wasAuth) return out.push(stale(k, `a key for the former Auth certificate ${k.thumbprint}`));
    out.push(unknown(k, keyDescription(k)));
  };
  for (const k of entra.app.keyCredentials) judge(k, true);
  for (const k of entra.appServicePrincipal?.keyCredentials ?? []) judge(k, false);
  for (const s of [
    ...entra.app.passwordCredentials,
    ...(entra.appServicePrincipal?.passwordCredentials ?? []),
  ])
    out.push(
      unknown(
        s,
        `a client secret (keyId ${s.keyId}${s.displayName ? `, "${s.displayName}"` : ''}${s.end ? `, ends ${day(s.end)}` : ''})`,
      ),
    );
  return out;
}

/** 14.11: keys left on the shared "Office 365 Exchange Online" service principal. */
export function legacyFindings(ctx: Ctx, facts: OnPremisesFacts | undefined): Finding[] {
  const entra = ctx.input.entra;
  const sp = entra.kind === 'known' ? entra.legacyServicePrincipal : undefined;
  if (!sp) return [];
  const creds = [...sp.keyCredentials, ...sp.passwordCredentials];
  if (creds.length === 0) return [];
  const valid = creds.some((c) => !c.end || c.end.getTime() > ctx.now.getTime());
  const thumbprints = sp.keyCredentials.map((k) => k.thumbprint ?? k.keyId);
  const mailbox = (ctx.auth?.exchangeServers ?? []).filter((s) =>
    /mailbox/i.test(s.serverRole ?? 'Mailbox'),
  );
  const reported = new Map((ctx.auth?.servers ?? []).map((s) => [s.computerName.toLowerCase(), s]));
  const below = mailbox.filter((s) => {
    const v = reported.get(s.name.toLowerCase())?.exSetupVersion;
    return v !== undefined && !supportsDedicatedApp(v);
  });
  const unverified = mailbox.filter(
    (s) => reported.get(s.name.toLowerCase())?.exSetupVersion === undefined,
  );
  const cleanup = `.\\ConfigureExchangeHybridApplication.ps1 -ResetFirstPartyServicePrincipalKeyCredentials${ctx.env}`;
  const steps: string[] = [];
  if (facts && facts.feature !== 'enabled')
    steps.push('# Configure the dedicated app first (see HYBRID_APP_NOT_CONFIGURED); then:');
  if (below.length > 0)
    steps.push(
      `# Update ${below.map((s) => s.name).join(', ')} to a build that supports the dedicated app first; then:`,
    );
  if (unverified.length > 0)
    steps.push(
      `# Verify the hotfix level of ${unverified.map((s) => s.name).join(', ')} first (AdminDisplayVersion does not show it); then:`,
    );
  steps.push(cleanup);
  const one = sp.keyCredentials.find((k) => k.thumbprint);
  if (one?.thumbprint)
    steps.push(
      `# Only one key (and every expired one):\n${cleanup} -CertificateInformation "${one.thumbprint}"`,
    );
  return [
    finding(
      ctx,
      'LEGACY_SP_HAS_KEYS',
      valid ? 'warning' : 'info',
      `The shared 'Office 365 Exchange Online' service principal still holds ${creds.length} key(s) (${thumbprints.join(', ') || 'client secrets'}): remove them${below.length > 0 ? ` — update ${below.map((s) => s.name).join(', ')} first` : ''}.`,
      hybridRemedy(ctx, ...steps),
    ),
  ];
}

/** 14.12's fingerprint: appId, key set, consent and the on-premises override. */
export function hybridSettingsFingerprint(
  auth: ExchangeAuth | undefined,
  entra: HybridEntra,
): string {
  const app = entra.kind === 'known' ? entra.app : undefined;
  return JSON.stringify({
    appId: app?.appId ?? null,
    keys: (app?.keyCredentials ?? []).map((k) => k.keyId).sort(),
    secrets: (app?.passwordCredentials ?? []).map((k) => k.keyId).sort(),
    consent:
      entra.kind === 'known' && entra.assignments
        ? entra.assignments.map((a) => `${a.resourceId}/${a.appRoleId}`).sort()
        : null,
    overrides: (auth?.settingOverrides ?? [])
      .map((o) => `${o.componentName}/${o.sectionName}=${o.parameters.join(',')}`)
      .sort(),
  });
}
