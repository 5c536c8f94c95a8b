import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { MetadataSource } from '../../src/sources/metadata-source';
import { SafeFetcher } from '../../src/sources/safe-fetcher';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const dir = join(__dirname, 'tls');
const caCert = new x509.X509Certificate(readFileSync(join(dir, 'ca.pem'), 'utf8'));
let caKey: Promise<CryptoKey> | undefined;

function loadCaKey(): Promise<CryptoKey> {
  const pem = readFileSync(join(dir, 'ca-key.pem'), 'utf8').replace(/-----[A-Z ]+-----|\s/g, '');
  caKey ??= webcrypto.subtle.importKey('pkcs8', Buffer.from(pem, 'base64'), EC, false, [
    'sign',
  ]) as Promise<CryptoKey>;
  return caKey;
}

function toPem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export function requireTestCa(): void {
  if (!process.env.NODE_EXTRA_CA_CERTS?.endsWith('ca.pem')) {
    throw new Error('Run the tests with `npm test` (it sets NODE_EXTRA_CA_CERTS to the test CA).');
  }
}

let serial = 100;

/** A server certificate for `hosts` (names or IPs), issued by the test CA. */
export async function issueServerCert(
  hosts: string[],
  validity: { notBefore?: Date; notAfter?: Date } = {},
): Promise<{ cert: string; key: string }> {
  const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(4, '0'),
    subject: `CN=${hosts[0]}`,
    issuer: caCert.subject,
    notBefore: validity.notBefore ?? new Date(now - 86_400_000),
    notAfter: validity.notAfter ?? new Date(now + 365 * 86_400_000),
    signingAlgorithm: EC,
    publicKey: keys.publicKey,
    signingKey: await loadCaKey(),
    extensions: [
      new x509.SubjectAlternativeNameExtension(
        hosts.map((h): x509.JsonGeneralName => ({
          type: /^[\d.]+$/.test(h) ? 'ip' : 'dns',
          value: h,
        })),
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  });
  return {
    cert: cert.toString('pem') + '\n' + caCert.toString('pem'),
    key: toPem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
  };
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface TestServer {
  server: Server;
  port: number;
  /** https://127.0.0.1:<port> */
  origin: string;
  originFor(host: string): string;
  close(): Promise<void>;
}

/** A real HTTPS server on 127.0.0.1 with a certificate from the test CA. */
export async function startHttpsServer(
  handler: Handler,
  options: { hosts?: string[]; notAfter?: Date; port?: number } = {},
): Promise<TestServer> {
  const tls = await issueServerCert(options.hosts ?? ['localhost', '127.0.0.1'], {
    notAfter: options.notAfter,
  });
  const server = createServer(tls, (req, res) => {
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    origin: `https://127.0.0.1:${port}`,
    originFor: (host) => `https://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Metadata read through the real fetcher and its outbound rules, with `host` allowed and resolving to
 * this machine, where the tests' HTTPS IdPs listen.
 */
export function loopbackMetadata(host = 'adfs.test'): MetadataSource {
  return new MetadataSource(
    new SafeFetcher({
      allowPrivateHosts: [host],
      resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
    }),
  );
}
