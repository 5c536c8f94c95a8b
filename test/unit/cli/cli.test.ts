import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli';
import { terminalSafe } from '../../../src/cli/report';
import { openSqliteStore } from '../../../src/store/sqlite-store';
import { fixture, readFixture } from '../../support/fixtures';

const DTU = fixture('adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml');
const EXPIRED = fixture('adfs/mlaitechio__Call_Process__login.adityabirlacapital.com.xml');
const MFG = fixture(
  'mfg/nguyenvietquoc2569__betaschool-reborn__nexus-saml20-federationmetadata.xml',
);
const tmp = mkdtempSync(join(tmpdir(), 'fedtrust-cli-'));

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), color: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function entraFileWith(signing?: string, next?: string): string {
  const doc = JSON.parse(
    readFixture('graph/msgraph-docs__v1.0__domain-list-federationconfiguration__response.json'),
  ) as { value: Record<string, unknown>[] };
  Object.assign(doc.value[0]!, {
    signingCertificate: signing ?? null,
    nextSigningCertificate: next ?? null,
    issuerUri: 'http://sts.ait.dtu.dk/adfs/services/trust',
  });
  const path = join(tmp, `entra-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

const dtuCert = /<X509Certificate>([^<]+)</.exec(
  readFixture('adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml'),
)![1]!;

describe('fedtrust check', () => {
  it('prints a readable report and exits 0 for a healthy domain', async () => {
    const r = await run(
      'check',
      'contoso.com',
      '--metadata-file',
      DTU,
      '--entra-file',
      entraFileWith(dtuCert),
      '--now',
      '2026-11-22',
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^contoso\.com — OK/);
    expect(r.out).toContain('IN_SYNC');
    expect(r.out).toContain('688D36670A35E988128DFCC7DE99431D80FC8B0B');
    expect(r.out).toMatch(/Timeline[\s\S]*2029-08-26 {2}The signing certificate expires/);
  });

  it('reads files Windows PowerShell 5.1 wrote (UTF-16 LE with a BOM) as well as UTF-8 ones', async () => {
    const utf16 = (path: string, text: string) => {
      writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
      return path;
    };
    const entra = utf16(
      join(tmp, 'entra-utf16.json'),
      readFileSync(entraFileWith(dtuCert), 'utf8'),
    );
    const r = await run(
      'check',
      'contoso.com',
      '--metadata-file',
      utf16(
        join(tmp, 'metadata-utf16.xml'),
        readFixture('adfs/dtuait__automatic-waffle__sts.ait.dtu.dk.xml'),
      ),
      '--entra-file',
      entra,
      '--now',
      '2026-11-22',
    );
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    expect(r.out).toContain('IN_SYNC');
  });

  it('prints the documented JSON shape', async () => {
    const r = await run(
      'check',
      'contoso.com',
      '--metadata-file',
      DTU,
      '--json',
      '--now',
      '2026-11-22T00:00:00Z',
    );
    const doc = JSON.parse(r.out) as { checkedAt: string; results: Record<string, unknown>[] };
    expect(doc.checkedAt).toBe('2026-11-22T00:00:00.000Z');
    const [result] = doc.results as [
      {
        domain: string;
        status: string;
        findings: Record<string, unknown>[];
        certificates: Record<string, unknown>[];
        timeline: Record<string, unknown>[];
      },
    ];
    expect(result).toMatchObject({ domain: 'contoso.com', status: 'ok' });
    for (const f of result.findings) {
      expect(Object.keys(f)).toEqual(
        expect.arrayContaining(['code', 'severity', 'message', 'remedy']),
      );
      expect(['info', 'warning', 'critical']).toContain(f.severity);
    }
    expect(result.certificates[0]).toEqual({
      source: 'idp-metadata',
      role: 'signing',
      subject: 'CN=ADFS Signing - sts.ait.dtu.dk',
      thumbprintSha1: '688D36670A35E988128DFCC7DE99431D80FC8B0B',
      thumbprintSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      notBefore: '2019-08-29T12:22:03.000Z',
      notAfter: '2029-08-26T12:22:03.000Z',
      daysLeft: 1008,
      signer: true,
    });
    expect(result.timeline[0]).toMatchObject({ date: '2026-11-22T00:00:00.000Z', event: 'Today' });
  });

  it('exits 2 when the signer expired and Entra holds something else', async () => {
    const r = await run(
      'check',
      'contoso.com',
      '--metadata-file',
      EXPIRED,
      '--entra-file',
      entraFileWith(dtuCert),
      '--now',
      '2026-11-22',
    );
    expect(r.code).toBe(2);
    expect(r.out).toContain('SIGNER_NOT_IN_ENTRA');
    expect(r.out).toContain('CERT_EXPIRED');
  });

  it('exits 1 for a warning only (an invalid metadata signature)', async () => {
    const r = await run(
      'check',
      'contoso.com',
      '--metadata-file',
      fixture('entra-metadata/JmFixit__metadata-test__FederationMetadataBad_tampered-certs.xml'),
      '--now',
      '2018-06-01',
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('METADATA_SIGNATURE_INVALID');
  });

  it('uses the AD FS properties file: auto-rollover off at 30 days is critical', async () => {
    const adfs = join(tmp, 'adfs.json');
    writeFileSync(
      adfs,
      JSON.stringify({
        AutoCertificateRollover: false,
        CertificateGenerationThreshold: 20,
        CertificatePromotionThreshold: 5,
      }),
    );
    const r = await run(
      'check',
      'contoso.com',
      '--metadata-file',
      DTU,
      '--entra-file',
      entraFileWith(dtuCert),
      '--adfs-properties-file',
      adfs,
      '--now',
      '2029-07-27T12:22:03Z',
      '--json',
    );
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toMatchObject({
      results: [{ findings: [{ code: 'AUTO_ROLLOVER_OFF', severity: 'critical' }] }],
    });
  });

  it.each([
    [['check'], /at least one domain/],
    [['check', 'no_such'], /not a domain name/],
    [['check', 'a.com', 'b.com', '--entra-file', 'x.json'], /describes one domain/],
    [['check', 'a.com', '--metadata-url', 'http://fs.a.com/x'], /only https/],
    [
      ['check', 'a.com', '--metadata-url', 'https://fs.a.com/x', '--metadata-file', 'f'],
      /not both/,
    ],
    [['check', 'a.com', '--now', 'tomorrow'], /ISO 8601/],
    [['check', 'a.com', '--metadata-file', '/nonexistent/file.xml'], /cannot read/],
    [
      [
        'check',
        'a.com',
        '--metadata-file',
        fixture('graph/msgraph-docs__documented-enum-values.json'),
      ],
      /not usable/,
    ],
    [['check', 'a.com', '--metadata-file', DTU, '--entra-file', DTU], /not valid JSON/],
    [
      [
        'check',
        'a.com',
        '--metadata-file',
        DTU,
        '--adfs-properties-file',
        fixture('graph/msgraph-docs__documented-enum-values.json'),
      ],
      /AutoCertificateRollover/,
    ],
    [
      ['check', 'a.com', '--bogus'],
      /^fedtrust: unknown option --bogus; run fedtrust --help for the options$/,
    ],
    [['check', 'a.com', '--now'], /^fedtrust: --now needs a value$/],
    [['check', 'a.com', '--json=yes'], /^fedtrust: --json takes no value$/],
    [['frobnicate'], /unknown command/],
    [['mfg', 'contoso.com'], /takes no domain/],
  ])('refuses %j with one line on stderr and exit 3', async (args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(3);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err.split('\n')).toHaveLength(1);
  });

  it('prints help', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('fedtrust check <domain>');
  });
});

describe('fedtrust mfg', () => {
  it('checks a trust file against MFG metadata', async () => {
    const trust = join(tmp, 'trust.json');
    writeFileSync(
      trust,
      JSON.stringify({
        Name: 'Microsoft Federation Gateway',
        TokenIssuerCertificate: {
          Thumbprint: 'AB'.repeat(20),
          NotBefore: '/Date(1500000000000)/',
          NotAfter: '/Date(1600000000000)/',
          Subject: 'CN=Live ID STS Signing Public Key',
        },
      }),
    );
    const r = await run(
      'mfg',
      '--metadata-file',
      MFG,
      '--trust-file',
      trust,
      '--now',
      '2021-06-01',
      '--json',
    );
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toMatchObject({
      results: [
        { domain: 'mfg', status: 'critical', findings: [{ code: 'MFG_CERT_NOT_IN_TRUST' }] },
      ],
    });
  });
});

describe('fedtrust exchange (the dedicated hybrid app, air-gapped)', () => {
  const H = (name: string) => fixture(`exchange-hybrid/${name}`);
  const files = [
    '--app-file',
    H('graph-app-holds-current-only.json'),
    '--consent-file',
    H('graph-app-sp-consent.json'),
    '--legacy-sp-file',
    H('graph-legacy-sp-clean.json'),
  ];

  it.each([
    ['2026-11-12T12:00:00Z', 0, 'NEXT_AUTH_CERT_NOT_IN_HYBRID_APP', 'info'],
    ['2026-11-13T09:03:07Z', 1, 'NEXT_AUTH_CERT_NOT_IN_HYBRID_APP', 'warning'],
    ['2026-12-10T09:03:05Z', 2, 'NEXT_AUTH_CERT_NOT_IN_HYBRID_APP', 'critical'],
    ['2026-12-11T09:03:05Z', 2, 'AUTH_CERT_NOT_IN_HYBRID_APP', 'critical'],
  ])(
    'a next certificate not uploaded, at %s: exit %i, %s %s',
    async (now, code, finding, severity) => {
      const r = await run(
        'exchange',
        '--auth-file',
        H('collector-auth-next-staged.ps7.json'),
        ...files,
        '--now',
        now,
        '--json',
      );
      expect(r.code).toBe(code);
      const doc = JSON.parse(r.out) as {
        results: {
          domain: string;
          organization: string;
          findings: { code: string; severity: string }[];
        }[];
      };
      expect(doc.results).toHaveLength(1);
      expect(doc.results[0]).toMatchObject({ domain: 'exchange-hybrid', organization: 'contoso' });
      expect(doc.results[0]!.findings).toEqual([
        expect.objectContaining({ code: finding, severity }),
      ]);
    },
  );

  it('reads a pasted Get-AuthConfig (5.1 and 7) with the app file: the certificates come from the app keys', async () => {
    for (const file of ['authconfig-raw.ps51.json', 'authconfig-raw.ps7.json']) {
      const r = await run(
        'exchange',
        '--auth-file',
        H(file),
        '--app-file',
        H('graph-app-holds-current-and-next.json'),
        '--now',
        '2026-11-20T00:00:00Z',
      );
      expect(r.code).toBe(0);
      expect(r.out).toContain('AUTH_ROLLOVER_PENDING');
    }
  });

  it('without Entra files or Graph: one-sided, and says so', async () => {
    const r = await run(
      'exchange',
      '--auth-file',
      H('collector-auth-steady.ps51.json'),
      '--now',
      '2026-12-01T00:00:00Z',
      '--json',
    );
    const doc = JSON.parse(r.out) as {
      results: { findings: { code: string; severity: string }[] }[];
    };
    expect(doc.results[0]!.findings.map((f) => `${f.code}:${f.severity}`)).toEqual([
      'GRAPH_NOT_CONFIGURED:info',
      'AUTH_CERT_EXPIRING:warning',
    ]);
    expect(r.code).toBe(1);
  });

  it('adds the MFG trust, gated: a fallback-only trust is informational', async () => {
    const trust = join(tmp, 'hybrid-trust.json');
    writeFileSync(
      trust,
      JSON.stringify({
        Name: 'Microsoft Federation Gateway',
        TokenIssuerCertificate: {
          Thumbprint: 'AB'.repeat(20),
          NotBefore: '/Date(1500000000000)/',
          NotAfter: '/Date(1600000000000)/',
          Subject: 'CN=Live ID STS Signing Public Key',
        },
      }),
    );
    const gated = await run(
      'exchange',
      '--auth-file',
      H('collector-auth-steady.ps51.json'),
      ...files,
      '--trust-file',
      trust,
      '--mfg-metadata-file',
      MFG,
      '--now',
      '2021-06-01',
      '--json',
    );
    const doc = JSON.parse(gated.out) as {
      results: {
        domain: string;
        trustUsage?: string;
        findings: { code: string; severity: string }[];
      }[];
    };
    expect(doc.results.map((x) => x.domain)).toEqual(['exchange-hybrid', 'mfg']);
    expect(doc.results[1]).toMatchObject({ trustUsage: 'fallback-only' });
    expect(doc.results[1]!.findings.map((f) => `${f.code}:${f.severity}`)).toEqual([
      'MFG_CERT_NOT_IN_TRUST:info',
      'MFG_TRUST_NOT_IN_USE:info',
    ]);
    const inUse = await run(
      'exchange',
      '--auth-file',
      H('collector-dauth-only.json'),
      ...files,
      '--trust-file',
      trust,
      '--mfg-metadata-file',
      MFG,
      '--now',
      '2021-06-01',
      '--json',
    );
    expect(inUse.code).toBe(2);
  });

  it.each([
    [['--auth-file', H('graph-app-sp.json')], /--auth-file .*no Auth configuration/],
    [['--app-file', H('graph-legacy-sp-clean.json')], /--app-file .*not a Graph application/],
    [
      ['--legacy-sp-file', H('graph-app-sp-no-consent.json')],
      /--legacy-sp-file .*not a Graph service principal/,
    ],
    [
      ['--mfg-metadata-file', H('graph-403.json')],
      /--mfg-metadata-file .*not a federation metadata document/,
    ],
    [['contoso.com'], /takes no domain/],
  ])('refuses bad input %j with exit 3 and says why', async (args, reason) => {
    const r = await run('exchange', ...args);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(reason);
  });
});

describe('the installed binary', () => {
  const bin = join(__dirname, '..', '..', '..', 'bin', 'fedtrust.js');
  const built = existsSync(join(__dirname, '..', '..', '..', 'dist', 'cli.js'));

  (built ? it : it.skip)('runs as `fedtrust` after npm install, with Nagios exit codes', () => {
    const out = execFileSync(
      process.execPath,
      [bin, 'check', 'contoso.com', '--metadata-file', DTU, '--now', '2026-11-22', '--no-color'],
      { encoding: 'utf8' },
    );
    expect(out).toContain('contoso.com — OK');
    try {
      execFileSync(process.execPath, [bin, 'check', 'not_a_domain'], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
      throw new Error('expected exit 3');
    } catch (error) {
      expect((error as { status: number }).status).toBe(3);
    }
  });
});

describe('terminal safety', () => {
  it('never lets control characters from a certificate subject reach the terminal', () => {
    const shown = terminalSafe('CN=evil\u001b[2J\u001b]8;;https://x\u0007 \u202eTXT');
    for (const bad of ['\u001b', '\u0007', '\u202e']) expect(shown).not.toContain(bad);
  });
});

describe('fedtrust sweep and migrate', () => {
  const saved = process.env.DATABASE_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  });

  it('creates the store, sweeps what is watched, and exits 0 whatever it found', async () => {
    process.env.DATABASE_URL = `sqlite:${join(tmp, 'sweep', 'fedtrust.db')}`;
    expect(await run('migrate')).toMatchObject({
      code: 0,
      out: expect.stringContaining('up to date'),
    });
    const store = await openSqliteStore(join(tmp, 'sweep', 'fedtrust.db'));
    await store.upsertConversation(
      { id: 'c1', reference: {}, scope: 'personal', active: true },
      new Date(),
    );
    await store.addWatch({
      conversationId: 'c1',
      domain: 'contoso.com',
      metadataUrl: 'https://fs.contoso.invalid/md.xml',
      createdAt: new Date(),
    });
    await store.close();
    const r = await run('sweep');
    expect(r).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^swept 1 domain\(s\): 1 (unknown|warning)/),
    });
  });

  it('exits 1 when another sweep holds the lease', async () => {
    process.env.DATABASE_URL = `sqlite:${join(tmp, 'busy', 'fedtrust.db')}`;
    const store = await openSqliteStore(join(tmp, 'busy', 'fedtrust.db'));
    await store.acquireLease('sweep', 'the-bot', 60_000, new Date());
    await store.close();
    expect(await run('sweep')).toMatchObject({
      code: 1,
      err: expect.stringContaining('another sweep is running'),
    });
  });
});
