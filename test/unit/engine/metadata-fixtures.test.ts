import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseMetadata } from '../../../src/engine/metadata-parser';
import { verifyMetadataSignature } from '../../../src/engine/signature';
import { fixture } from '../../support/fixtures';

/**
 * Expectations per real fixture, taken from test/fixtures/SOURCES.md (entityID, distinct signing
 * certificates, their SHA-1 thumbprints) — written by the fixture curator, not by this parser. The
 * signature verdicts were cross-checked with xmlsec1 (`xmlsec1 --verify --id-attr:ID …`), which agrees
 * on every file; edited or CRLF-converted copies do not verify, and the tampered one must not.
 */
const FIXTURES: [
  file: string,
  entityId: string,
  signingCount: number,
  sha1: string[],
  signature: 'valid' | 'invalid' | 'absent',
][] = [
  [
    'adfs/Astha66__docker__idp.juvenilejusticevision2020.com.xml',
    'https://idp.juvenilejusticevision2020.com/adfs/services/trust',
    1,
    ['E3140DC274D6B4D8E82D7AEE1212141600E0BD8B'],
    'valid',
  ],
  [
    'adfs/Avinash916__FPP__saml.pilotflyingj.com.xml',
    'http://saml.pilotflyingj.com/adfs/services/trust',
    1,
    ['F94656CD6524D33A5268EFED6DA0689CB077C956'],
    'valid',
  ],
  [
    'adfs/AzureAD__azure-activedirectory-identitymodel-extensions-for-dotnet__adfs-v2-metadata.xml',
    'http://fs.msidlab7.com/adfs/services/trust',
    1,
    ['28D1BE71EBAB715A8F53CB9FD9D84C4373CD3708'],
    'valid',
  ],
  [
    'adfs/AzureAD__azure-activedirectory-identitymodel-extensions-for-dotnet__adfs-v3-metadata.xml',
    'http://fs.msidlab2.com/adfs/services/trust',
    1,
    ['8C3B60F1C93FA3E52AFD41885E7B6C6C4A61C65A'],
    'valid',
  ],
  [
    'adfs/AzureAD__azure-activedirectory-identitymodel-extensions-for-dotnet__adfs-v4-metadata.xml',
    'http://fs.msidlab11.com/adfs/services/trust',
    1,
    ['D5FE73910389B58BBB3B0EBB87FDF110FF79FEBB'],
    'valid',
  ],
  [
    'adfs/RCSJeff__status.rcsj.edu__d-sts.devrcsj.com.xml',
    'https://d-sts.devrcsj.com/adfs/services/trust',
    1,
    ['011BB9D94A7D8B160E86827DDCC3FA714D882473'],
    'valid',
  ],
  [
    'adfs/StackableRegiments__analyticalmetlx__fs.saintleo.edu_adfs2.xml',
    'http://fs.saintleo.edu/adfs/services/trust',
    1,
    ['33085878E2465F3366E792F83712571A3B1F8234'],
    'valid',
  ],
  [
    'adfs/Sustainsys__Saml2__ReadEntityDescriptor_ADFS_signed.xml',
    'http://adfs.server.url/adfs/services/trust',
    1,
    ['13CE2299E9E824410C1DCB5819042FBAE8793E17'],
    'invalid',
  ],
  [
    'adfs/YAMABASS80__yamabass80.github.io__signin.maclog.info.xml',
    'http://signin.maclog.info/adfs/services/trust',
    1,
    ['6CBBA0639938DAB1CD548528C6C788CB49BEC22A'],
    'valid',
  ],
  [
    'adfs/chenhuang511__spring-saml2-client__sso.bsr.com.vn.xml',
    'http://sso.bsr.com.vn/adfs/services/trust',
    1,
    ['8F18316034996443FFD5E9514107EE981AA532FE'],
    'valid',
  ],
  [
    'adfs/dcogg__EZproxy-Configuration__sts.ucar.edu.xml',
    'https://sts.ucar.edu/adfs/services/trust',
    1,
    ['2CA67C00EBD5D4E5000AC5A814C829222FB776B6'],
    'valid',
  ],
  [
    'adfs/dgutierrez2__dgutierrez2__sts.up.edu.pe.xml',
    'http://sts.up.edu.pe/adfs/services/trust',
    1,
    ['03953E926027F338126EBE8AC8E6314C9FA69E23'],
    'valid',
  ],
  [
    'adfs/diogocorrealima__myadfsteste__sts.sempreser.com.br.xml',
    'http://sts.sempreser.com.br/adfs/services/trust',
    1,
    ['6E551A033785CB3725B93445F180CFA9F5415287'],
    'valid',
  ],
  [
    'adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml',
    'http://sts.ait.dtu.dk/adfs/services/trust',
    1,
    ['688D36670A35E988128DFCC7DE99431D80FC8B0B'],
    'valid',
  ],
  [
    'adfs/hallmi80__yoda__msts.maybank.com.xml',
    'http://msts.maybank.com/adfs/services/trust',
    1,
    ['867F81B5DC18B39AA77E9F690826F370E45CC59D'],
    'valid',
  ],
  [
    'adfs/ifraz11__ifraz11.github.io__fs.atomiccu.com.xml',
    'http://fs.atomiccu.com/adfs/services/trust',
    1,
    ['26B97052681F7B953977B8D5C862EB7851AAC703'],
    'valid',
  ],
  [
    'adfs/ifraz11__ifraz11.github.io__ssl17.wsecu.org.xml',
    'http://ssl17.wsecu.org/adfs/services/trust',
    1,
    ['C45A03BCD23DFB83EE2F4871BAD30C689E7D7D3B'],
    'valid',
  ],
  [
    'adfs/inumidun__repo__oyin.cecurepractice.link.xml',
    'http://oyin.cecurepractice.link/adfs/services/trust',
    1,
    ['D20C834C070589F1FE9D63AFE969C5D2E916609D'],
    'valid',
  ],
  [
    'adfs/leejeffreys__testApp__sso.melco-resorts.com.xml',
    'http://sso.melco-resorts.com/adfs/services/trust',
    1,
    ['C2067C7D2E82AD0F67DE286E7104ABC1E9DB14CB'],
    'valid',
  ],
  [
    'adfs/mlaitechio__Call_Process__login.adityabirlacapital.com.xml',
    'http://login.adityabirlacapital.com/adfs/services/trust',
    1,
    ['6B6528CC3B183A63789F0019AB9D978C0FEF8CD7'],
    'valid',
  ],
  [
    'adfs/nadeemkhan4all__testrepo__adfs-testad.testad.local.xml',
    'http://adfs-testad.testad.local/adfs/services/trust',
    1,
    ['A6A1A91DA27AEAE025B31B61A0C5F479381208CA'],
    'valid',
  ],
  [
    'adfs/omebarki__springboot-saml__urn-bpce-pro-sp1.xml',
    'urn:bpce:bpce:bpce:pro:sp1',
    1,
    ['76BB4E7645CFEFF10280D31982D92564E4CCDDAA'],
    'valid',
  ],
  [
    'adfs/onelogin__php-saml__FederationMetadata_edited-sig-enc-certs.xml',
    'http://idp.adfs.example.com/adfs/services/trust',
    1,
    ['F8A8451074355664D7709C8D9D6FAE910FD39304'],
    'invalid',
  ],
  [
    'adfs/phrixx__usersync__adfs1.athocdevo.com.xml',
    'http://adfs1.athocdevo.com/adfs/services/trust',
    1,
    ['088BC4FB9F09D885794B3C6225A4E8B4BD506BF0'],
    'valid',
  ],
  [
    'adfs/rahulBarahpuria__LearningSpringBoot__bwqa.broadsoft.net.xml',
    'https://bwqa.broadsoft.net/adfs/services/trust',
    1,
    ['8C2F75CE61C705F61A0D286445D1AFC5F7AE94C3'],
    'invalid',
  ],
  [
    'adfs/snok__django-auth-adfs__FederationMetadata_empty_two-signing-certs.xml',
    'http://WIN-6JUUO3F654C.example.local/adfs/services/trust',
    2,
    ['4D026DFFE6792476CC017039EA7CF56856C15916', '068B474716E5B832CB2DA7C378BBA5DEE3EAB7C9'],
    'invalid',
  ],
  [
    'adfs/snok__django-auth-adfs__FederationMetadata_valid_cert_first.xml',
    'http://adfs.example.com/adfs/services/trust',
    2,
    ['829DB7CB3A48DF3D8136421BD84D5F694CB4CF95', '4D026DFFE6792476CC017039EA7CF56856C15916'],
    'invalid',
  ],
  [
    'adfs/snok__django-auth-adfs__FederationMetadata_valid_cert_second.xml',
    'http://adfs.example.com/adfs/services/trust',
    2,
    ['4D026DFFE6792476CC017039EA7CF56856C15916', '829DB7CB3A48DF3D8136421BD84D5F694CB4CF95'],
    'invalid',
  ],
  [
    'adfs/srichandar__example-springboot-kafka__adanisso.adaniuat.com_crlf.xml',
    'http://adanisso.adaniuat.com/adfs/services/trust',
    1,
    ['AC2D10813A7C111EE385EA090E5BF9410E0F8E9A'],
    'invalid',
  ],
  [
    'mfg/AzureAD__azure-activedirectory-identitymodel-extensions-for-dotnet__windows-ad-metadata_urn-federation-MicrosoftOnline.xml',
    'urn:federation:MicrosoftOnline',
    2,
    ['791BC6AD9893AA570DF03452B4F8069C8A743C29', 'DCED98D330C1D33A26AA3F7FD15B961573E5DA6A'],
    'valid',
  ],
  [
    'mfg/nguyenvietquoc2569__betaschool-reborn__nexus-saml20-federationmetadata.xml',
    'urn:federation:MicrosoftOnline',
    2,
    ['08223BD51325E3C2A49129958D640E3F4A8EF408', '57D198D087B48A08ACB2A695981624F395135C90'],
    'valid',
  ],
  [
    'entra-metadata/ErikGrootoonk__saml__common-federationmetadata_4-certs.xml',
    'https://sts.windows.net/{tenantid}/',
    4,
    [
      '4773E1D1133EAB71516752CFE10F6142D06A3353',
      'B0CD7FC80C55F06578C8DF81EA3DB1CE68A4E40A',
      'DB06E0BABB7B5559D9665477118E9094F773958A',
      '8CAAA67CC4FAA0BDFCC1A49239C3F5FF9FCA9003',
    ],
    'valid',
  ],
  [
    'entra-metadata/ErikGrootoonk__saml__common-federationmetadata_6-certs.xml',
    'https://sts.windows.net/{tenantid}/',
    6,
    [
      '3DC5FDF065F8DB44F55FAB010E4CE1426AA0C0C5',
      '4773E1D1133EAB71516752CFE10F6142D06A3353',
      'B0CD7FC80C55F06578C8DF81EA3DB1CE68A4E40A',
      'DB06E0BABB7B5559D9665477118E9094F773958A',
      '7891B7482EBE2CBA99B25C2A919E657B1886F67E',
      '8CAAA67CC4FAA0BDFCC1A49239C3F5FF9FCA9003',
    ],
    'valid',
  ],
  [
    'entra-metadata/JmFixit__metadata-test__FederationMetadata.xml',
    'https://sts.windows.net/8b966979-910b-487c-a604-69229b1ac75c/',
    3,
    [
      'FD482A5C6FED30B76E489D53F1C687C54EDC3AD7',
      '6B740DD01652EECE2737E05DAE36C5D18FCB74C3',
      'D92E120951ACF1283D2D2E80A8B22AE83A56FA0F',
    ],
    'valid',
  ],
  [
    'entra-metadata/JmFixit__metadata-test__FederationMetadataBad_tampered-certs.xml',
    'https://sts.windows.net/8b966979-910b-487c-a604-69229b1ac75c/',
    1,
    ['C98FA73F32F6022C1D50CD976E793D807D12CEE0'],
    'invalid',
  ],
  [
    'entra-metadata/Mathivanan026__Project-Sample__app-federationmetadata.xml',
    'https://sts.windows.net/a15b04fc-6ff1-42a7-bb24-2e762259f5da/',
    1,
    ['BEF6EE4FA1BB603AD3E04AC38987EBA36E6F1DF8'],
    'invalid',
  ],
  [
    'entra-metadata/Rise-9813__TrialRepo__app-federationmetadata.xml',
    'https://sts.windows.net/61318f71-9c58-4f75-b8af-329e649fcd80/',
    1,
    ['C147B5D6E9F6E44927F114B4D17C18674130007F'],
    'valid',
  ],
  [
    'entra-metadata/SAML-Toolkits__ruby-saml__idp_descriptor_multiple_certs.xml',
    'https://sts.windows.net/413504eb-8622-47d2-aa72-ddbba4584471/',
    2,
    ['92B88C3DD981BF1EBCB244FCFA63C007706C79E0', '3270BF5597004DF339A4E62224731B6BD82810A6'],
    'invalid',
  ],
  [
    'entra-metadata/garashis__azure-spring-boot-sso-example__app-federationmetadata.xml',
    'https://sts.windows.net/c3da75cd-0276-4e14-a2ab-12128bba114c/',
    1,
    ['BFE63C6466E0BF584C777FFEF636EC493D126FDD'],
    'invalid',
  ],
  [
    'entra-metadata/ggtristams__samlsso__app-federationmetadata_two-signing-certs.xml',
    'https://sts.windows.net/81c1df79-e153-4f9d-a101-8dcf04af6c2c/',
    2,
    ['9B6A4331329E0D853B20BD364CD7131D3652942F', '815D70419E644F95BE30F309616EBDA58C5B591B'],
    'valid',
  ],
  [
    'other-idp/Astha66__docker__shibboleth-idp-metadata_two-signing-certs.xml',
    'https://idp.osbi.local/idp/shibboleth',
    2,
    ['960154A6A7AA9A0A44278E36DF74DA916238D4C6', '8373FF8EB64517C8A43C73B3535515A98236245B'],
    'absent',
  ],
  [
    'other-idp/Avinash916__FPP__idp-okta.xml',
    'http://www.okta.com/exk62w7tqv0xkRl9p0h7',
    1,
    ['150250F666959A135BC9A701367D11194114947C'],
    'absent',
  ],
  [
    'other-idp/Avinash916__FPP__idp-onelogin.xml',
    'https://app.onelogin.com/saml/metadata/529178',
    1,
    ['C359E44D866BEACF030B39A846280E0BCEABED0C'],
    'absent',
  ],
  [
    'other-idp/Avinash916__FPP__idp-ssocircle.xml',
    'http://idp.ssocircle.com',
    1,
    ['9F0898770D9F0948C45BF5D6DB55CB037C3B280C'],
    'absent',
  ],
  [
    'other-idp/ggtristams__samlsso__GoogleIDPMetadata.xml',
    'https://accounts.google.com/o/saml2?idpid=C03p9xl22',
    1,
    ['C5BF82CC9A0D9FD4C2349FF763FA7A4419C9FA81'],
    'absent',
  ],
  [
    'other-idp/ggtristams__samlsso__GoogleIDPMetadataPortJ_two-signing-certs.xml',
    'https://accounts.google.com/o/saml2?idpid=C03ddq7te',
    2,
    ['7D8DBE7BDA4C02F89B4FE317FE5BD8A70B2A1547', '7C0C0DC95113185EAF40E6E87A1683938F8A6F77'],
    'absent',
  ],
  [
    'other-idp/ggtristams__samlsso__utexas-shibboleth-idp-metadata.xml',
    'https://guest.login.utexas.edu/idp',
    1,
    ['36648A4D0F337EEC9A8DD3F4615A3541A7F4BD7B'],
    'absent',
  ],
  [
    'other-idp/ifraz11__ifraz11.github.io__pingone-idp-metadata.xml',
    'https://pingone.com/idp/cd-950050586.gecu',
    1,
    ['9F0602F19F93EDCEECCE54EF326439E951CCA33E'],
    'absent',
  ],
  [
    'other-idp/luisifhy__teste_instaladores__okta-wsfed-FederationMetadata.xml',
    'http://www.okta.com/exk3xwuhvra92gqDg5d7',
    1,
    ['306BD73C9A134B894E25521EFBBD5547D6AE6EDD'],
    'valid',
  ],
  [
    'other-idp/tmschbgr__NodePassportExample__OptimalIdM_VIS_wsfed.xml',
    'ofis:pwc:broker:s',
    1,
    ['2EE148D651630AACC591C806B5A5370090671F5A'],
    'absent',
  ],
];

/** SHA-1 fingerprints as node:crypto computes them, for every X509Certificate text in the file. */
function nodeFingerprints(xml: string): Set<string> {
  const out = new Set<string>();
  for (const m of xml.matchAll(/X509Certificate>\s*([A-Za-z0-9+/=\s]+?)\s*</g)) {
    try {
      out.add(
        new X509Certificate(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')).fingerprint.replace(
          /:/g,
          '',
        ),
      );
    } catch {
      // not a certificate (the fixture notes say which ones)
    }
  }
  return out;
}

describe.each(FIXTURES)('%s', (file, entityId, signingCount, sha1, signature) => {
  const xml = readFileSync(fixture(file), 'utf8');
  const result = parseMetadata(xml);

  it('parses with the entityID and signing certificates SOURCES.md lists', () => {
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.metadata.entityId).toBe(entityId);
    expect(result.metadata.signingCerts).toHaveLength(signingCount);
    expect(result.metadata.signingCerts.map((c) => c.thumbprintSha1)).toEqual(
      expect.arrayContaining(sha1),
    );
  });

  it('computes the same thumbprints as node:crypto, upper-case SHA-1 and lower-case SHA-256', () => {
    if (!result.ok) throw new Error(result.reason);
    const fromNode = nodeFingerprints(xml);
    for (const cert of [...result.metadata.signingCerts, ...result.metadata.encryptionCerts]) {
      expect(fromNode.has(cert.thumbprintSha1)).toBe(true);
      expect(cert.thumbprintSha1).toMatch(/^[0-9A-F]{40}$/);
      const node = new X509Certificate(Buffer.from(cert.base64, 'base64'));
      expect(cert.thumbprintSha256).toBe(node.fingerprint256.replace(/:/g, '').toLowerCase());
      expect(cert.notAfter.toISOString()).toBe(new Date(node.validTo).toISOString());
    }
  });

  it(`has a metadata signature that is ${signature}`, () => {
    if (!result.ok) throw new Error(result.reason);
    expect(verifyMetadataSignature(xml, result.metadata).status).toBe(signature);
  });
});

describe('metadata parser edge cases', () => {
  const adfs = readFileSync(fixture('adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml'), 'utf8');

  it('finds the AD FS passive endpoint and the metadata signature key', () => {
    const r = parseMetadata(adfs);
    expect(r.ok && r.metadata.passiveSignInUrl).toBe('https://sts.ait.dtu.dk/adfs/ls/');
    expect(r.ok && r.metadata.roles).toContain('SecurityTokenServiceType');
  });

  it('reads the signing certificates from SPSSO/IDPSSO when the STS role has none', () => {
    const r = parseMetadata(
      readFileSync(
        fixture('adfs/snok__django-auth-adfs__FederationMetadata_empty_two-signing-certs.xml'),
        'utf8',
      ),
    );
    expect(r.ok && r.metadata.signingCerts).toHaveLength(2);
  });

  it.each([
    [
      'a DOCTYPE',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><EntityDescriptor entityID="x"/>',
      /DOCTYPE/,
    ],
    [
      'an entity bomb',
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><EntityDescriptor entityID="&lol9;"/>`,
      /DOCTYPE/,
    ],
    [
      'an HTML page',
      '<html><body>Sign in</body></html>',
      /not federation metadata \(root element <html>\)/,
    ],
    [
      'broken XML',
      '<EntityDescriptor entityID="x"><Unclosed></EntityDescriptor>',
      /not well-formed/,
    ],
    ['an empty document', '', /empty document/],
    ['JSON', '{"value": []}', /not well-formed|empty document|not federation metadata/],
    [
      'an EntityDescriptor without entityID',
      '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"/>',
      /no entityID/,
    ],
    [
      'a document over the size limit',
      `<EntityDescriptor entityID="x">${' '.repeat(4 * 1024 * 1024)}</EntityDescriptor>`,
      /larger than/,
    ],
  ])('refuses %s with a clear reason', (_name, xml, reason) => {
    const r = parseMetadata(xml);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });

  it('reads the MFG 2006-12 FederationMetadata format', () => {
    const certs = (
      JSON.parse(
        readFileSync(
          fixture('mfg/unattributed-csharp-test__mfg-2006-12-signing-certs-2024-2025.json'),
          'utf8',
        ),
      ) as { certificates: { certificate_base64: string }[] }
    ).certificates;
    const keyInfo = (b64: string) =>
      `<TokenSigningKeyInfo><SecurityTokenReference xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><X509Data xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Certificate>${b64}</X509Certificate></X509Data></SecurityTokenReference></TokenSigningKeyInfo>`;
    const xml = `<?xml version="1.0" encoding="utf-8"?><FederationMetadata xmlns="http://schemas.xmlsoap.org/ws/2006/12/federation"><Federation>${certs.map((c) => keyInfo(c.certificate_base64)).join('')}<TokenIssuerName>urn:federation:MicrosoftOnline</TokenIssuerName><TokenIssuerEndpoint><Address xmlns="http://www.w3.org/2005/08/addressing">https://login.microsoftonline.com/extSTS.srf</Address></TokenIssuerEndpoint></Federation></FederationMetadata>`;
    const r = parseMetadata(xml);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.metadata).toMatchObject({
      format: 'wsfed-2006-12',
      entityId: 'urn:federation:MicrosoftOnline',
      hasSignature: false,
    });
    expect(r.metadata.signingCerts.map((c) => c.subject)).toEqual([
      'CN=Live ID STS Signing Public Key',
      'CN=Live ID STS Signing Public Key',
    ]);
    expect(r.metadata.endpoints[0]?.url).toBe('https://login.microsoftonline.com/extSTS.srf');
  });

  it('keeps going when one certificate is not decodable, and says so', () => {
    const xml = adfs.replace(
      /(<KeyDescriptor use="signing"><KeyInfo xmlns="http:\/\/www.w3.org\/2000\/09\/xmldsig#"><X509Data><X509Certificate>)/,
      '$1AAAA',
    );
    const r = parseMetadata(xml);
    expect(r.ok && r.metadata.undecodable.length).toBeGreaterThan(0);
  });

  it('refuses a signature whose Reference does not cover the root (wrapping)', () => {
    const r = parseMetadata(adfs);
    if (!r.ok) throw new Error(r.reason);
    const wrapped = adfs.replace(
      /<ds:Reference URI="#[^"]+"/,
      '<ds:Reference URI="#somewhere-else"',
    );
    expect(
      verifyMetadataSignature(wrapped, { ...r.metadata, rootId: r.metadata.rootId }),
    ).toMatchObject({ status: 'invalid' });
  });
});
