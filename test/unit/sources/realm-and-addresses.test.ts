import { privateAddressReason } from '../../../src/sources/address-policy';
import { adfsMetadataUrlFor, parseRealm } from '../../../src/sources/realm-discovery';
import { readFixture } from '../../support/fixtures';

describe('parseRealm on real realm-discovery captures', () => {
  it('reads api-version 2.1 (AD FS, British Airways)', () => {
    const realm = parseRealm(
      JSON.parse(
        readFixture(
          'userrealm/jkakavas__office365-article__userrealm_api-2.1__ba.com_federated.json',
        ),
      ),
    );
    expect(realm).toMatchObject({
      kind: 'federated',
      authUrl: expect.stringContaining('https://sts.baplc.com/adfs/ls/'),
    });
    expect(realm?.kind === 'federated' && adfsMetadataUrlFor(realm.authUrl)).toBe(
      'https://sts.baplc.com/FederationMetadata/2007-06/FederationMetadata.xml',
    );
  });

  it('reads api-version 1.0 (PingFederate): federated, but not AD FS', () => {
    const realm = parseRealm(
      JSON.parse(
        readFixture(
          'userrealm/MicrosoftDocs__azure-docs__hdinsight-id-broker__userrealm_api-1.0__federated-pingfederate.json',
        ),
      ),
    );
    expect(realm).toMatchObject({
      kind: 'federated',
      metadataUrl: expect.stringContaining('fam.contoso.com'),
    });
    expect(realm?.kind === 'federated' && adfsMetadataUrlFor(realm.metadataUrl)).toBeUndefined();
  });

  it('reads a managed answer and refuses unknown shapes', () => {
    expect(parseRealm({ NameSpaceType: 'Managed' })).toEqual({ kind: 'managed' });
    expect(parseRealm({ account_type: 'Unknown' })).toEqual({ kind: 'unknown' });
    expect(
      parseRealm(
        JSON.parse(
          readFixture('userrealm/nixintel__o365chk__GetUserRealm.srf__bbc.co.uk_federated.json'),
        ),
      ),
    ).toMatchObject({ kind: 'federated' });
    expect(parseRealm({ State: 4 })).toBeUndefined();
    expect(parseRealm('x')).toBeUndefined();
  });

  it('maps the AD FS MEX URL of the v1.0 answer to the metadata path', () => {
    expect(adfsMetadataUrlFor('https://sts.company.com/adfs/services/trust/mex')).toBe(
      'https://sts.company.com/FederationMetadata/2007-06/FederationMetadata.xml',
    );
    expect(adfsMetadataUrlFor('not a url')).toBeUndefined();
  });
});

describe('privateAddressReason', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::10.0.0.1',
    // DESIGN §6: every IPv6 form that carries an IPv4 address is judged by that address.
    '::127.0.0.1', // IPv4-compatible, dotted
    '::7f00:1', // IPv4-compatible, hex
    '::ffff:0:7f00:1', // IPv4-translated
    '::ffff:0:127.0.0.1',
    '64:ff9b::7f00:1', // NAT64, hex
    '64:ff9b:1::a00:1', // local-use NAT64, 10.0.0.1 in the last 32 bits
    '64:ff9b:1:a00:1::', // local-use NAT64 /48, 10.0.0.1 after bit 48
    '2002:7f00:1::1', // 6to4 of 127.0.0.1
    '2002:c0a8:101::', // 6to4 of 192.168.1.1
    'fe80::1%eth0',
    '::FFFF:127.0.0.1',
  ])('refuses %s', (address) => {
    expect(privateAddressReason(address)).toBeDefined();
  });

  it.each([
    '20.190.128.1',
    '40.126.0.1',
    '172.32.0.1',
    '100.128.0.1',
    '2603:1006::1',
    '::ffff:20.190.128.1',
    '::20.190.128.1',
    '::ffff:0:14be:8001',
    '64:ff9b::14be:8001',
    '2002:14be:8001::1',
    '2001:4860:4860::8888',
  ])('allows the public %s', (address) => {
    expect(privateAddressReason(address)).toBeUndefined();
  });
});
