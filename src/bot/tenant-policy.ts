import type { Settings } from '../config';

/** The tenant an activity comes from, as Teams sends it. */
export function tenantOf(activity: {
  conversation?: { tenantId?: string };
  channelData?: unknown;
}): string | undefined {
  const fromChannel = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant
    ?.id;
  const id = typeof fromChannel === 'string' ? fromChannel : activity.conversation?.tenantId;
  return id?.toLowerCase();
}

/**
 * ALLOWED_TENANT_IDS (DESIGN §3, §7): a list allows exactly those; empty allows every tenant in local
 * mode and only the bot's own tenant otherwise.
 */
export function isTenantAllowed(
  tenantId: string | undefined,
  settings: Pick<Settings, 'ALLOWED_TENANT_IDS' | 'localMode' | 'MicrosoftAppTenantId'>,
): boolean {
  if (settings.ALLOWED_TENANT_IDS.length > 0)
    return tenantId !== undefined && settings.ALLOWED_TENANT_IDS.includes(tenantId);
  if (settings.localMode) return true;
  const own = settings.MicrosoftAppTenantId?.toLowerCase();
  return own !== undefined && tenantId === own;
}
