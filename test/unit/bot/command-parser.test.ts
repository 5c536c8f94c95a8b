import { parseCommand, plainText } from '../../../src/bot/command-parser';
import { isTenantAllowed, tenantOf } from '../../../src/bot/tenant-policy';

describe('parseCommand', () => {
  it.each([
    ['check fedtrust contoso.com', { kind: 'check', domains: ['contoso.com'] }],
    [
      'CHECK FedTrust Contoso.COM fabrikam.com',
      { kind: 'check', domains: ['contoso.com', 'fabrikam.com'] },
    ],
    ['check contoso.com', { kind: 'check', domains: ['contoso.com'] }],
    ['<at>fedtrust</at> check fedtrust contoso.com', { kind: 'check', domains: ['contoso.com'] }],
    [
      '<at>Fed Trust</at>&nbsp;check&nbsp;bücher.example',
      { kind: 'check', domains: ['xn--bcher-kva.example'] },
    ],
    [
      'check fedtrust contoso.com metadata https://idp.example.com/md.xml',
      { kind: 'check', domains: ['contoso.com'], metadataUrl: 'https://idp.example.com/md.xml' },
    ],
    ['check fedtrust contoso.com contoso.com', { kind: 'check', domains: ['contoso.com'] }],
    ['check fedtrust all', { kind: 'check-all' }],
    ['Check All', { kind: 'check-all' }],
    ['help', { kind: 'help' }],
    ['  HELP ', { kind: 'help' }],
    ['watch contoso.com', { kind: 'watch', target: { kind: 'domain', domain: 'contoso.com' } }],
    [
      'watch contoso.com metadata https://idp.example.com/md.xml',
      {
        kind: 'watch',
        target: {
          kind: 'domain',
          domain: 'contoso.com',
          metadataUrl: 'https://idp.example.com/md.xml',
        },
      },
    ],
    ['unwatch Contoso.com', { kind: 'unwatch', target: { kind: 'domain', domain: 'contoso.com' } }],
    ['watchlist', { kind: 'watchlist' }],
    ['alerts', { kind: 'alerts' }],
    [
      'set autorollover contoso.com off',
      { kind: 'set-autorollover', domain: 'contoso.com', value: false },
    ],
    // Who is on call is the activity's mention entity (bot/turn-facts.ts), never the typed text.
    ['<at>fedtrust</at> set oncall <at>Ada Lovelace</at>', { kind: 'set-oncall' }],
    ['set oncall @ada', { kind: 'set-oncall' }],
    ['set oncall off', { kind: 'set-oncall', clear: true }],
    ['Set Oncall None', { kind: 'set-oncall', clear: true }],
    ['set lead 14', { kind: 'set-lead', days: 14 }],
    ['Set Lead 0', { kind: 'set-lead', days: 0 }],
    ['watch exchange', { kind: 'watch', target: { kind: 'exchange' } }],
    ['watch all', { kind: 'watch-all' }],
    ['Unwatch ALL', { kind: 'unwatch-all' }],
    ['Unwatch Exchange', { kind: 'unwatch', target: { kind: 'exchange' } }],
    ['check mfg', { kind: 'check-exchange' }],
    ['check exchange', { kind: 'check-exchange' }],
    ['check fedtrust mfg', { kind: 'check-exchange' }],
    ['check exchange Contoso Ltd', { kind: 'check-exchange', organization: 'Contoso Ltd' }],
    ['hello there', { kind: 'unknown' }],
    ['', { kind: 'unknown' }],
  ])('%j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each([
    ['check fedtrust', /Name a domain/],
    ['check fedtrust not_a_domain', /not a domain name/],
    ['check fedtrust https://contoso.com', /not a domain name/],
    ['check fedtrust contoso.com metadata http://idp.example.com/md.xml', /https/],
    ['check fedtrust a.com b.com metadata https://idp.example.com/md.xml', /one domain/],
    ['check fedtrust contoso.com metadata', /one URL/],
    ['watch a.com b.com', /one domain/],
    ['watch exchange now', /takes nothing more/],
    ['unwatch all domains', /`unwatch all` takes nothing more/],
    ['check mfg contoso;drop', /organisation/],
    ['watch contoso.com metadata http://x', /https/],
    ['set autorollover contoso.com maybe', /on.*off/],
    ['set something', /autorollover/],
    ['set lead soon', /set lead 14/],
    ['set lead 91', /0 to 90/],
    [`check ${Array.from({ length: 11 }, (_, i) => `d${i}.com`).join(' ')}`, /at most 10/],
  ])('refuses %j with a reason', (text, reason) => {
    const command = parseCommand(text);
    expect(command.kind).toBe('invalid');
    expect(command.kind === 'invalid' && command.reason).toMatch(reason);
  });

  it('strips Teams markup', () => {
    expect(plainText('<at>bot</at> <p>check</p>&nbsp;a.com')).toBe('check a.com');
  });
});

describe('tenant policy', () => {
  const own = '11111111-2222-3333-4444-555555555555';
  it('reads the tenant from channelData or the conversation', () => {
    expect(tenantOf({ channelData: { tenant: { id: own.toUpperCase() } } })).toBe(own);
    expect(tenantOf({ conversation: { tenantId: own } })).toBe(own);
    expect(tenantOf({})).toBeUndefined();
  });

  it.each([
    [{ ALLOWED_TENANT_IDS: [own], localMode: false }, own, true],
    [{ ALLOWED_TENANT_IDS: [own], localMode: true }, 'other', false],
    [{ ALLOWED_TENANT_IDS: [], localMode: true }, 'other', true],
    [{ ALLOWED_TENANT_IDS: [], localMode: false, MicrosoftAppTenantId: own }, own, true],
    [{ ALLOWED_TENANT_IDS: [], localMode: false, MicrosoftAppTenantId: own }, 'other', false],
    [{ ALLOWED_TENANT_IDS: [], localMode: false }, own, false],
    [{ ALLOWED_TENANT_IDS: [own], localMode: false }, undefined, false],
  ])('%j allows %s: %s', (settings, tenant, allowed) => {
    expect(isTenantAllowed(tenant, settings)).toBe(allowed);
  });
});
