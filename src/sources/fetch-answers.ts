import type { request } from 'undici';
import { decodeDocument } from '../engine/text-encoding';
import { AppError, isAppError } from '../errors';

/** The body as text, refused beyond `maxBytes` (declared or streamed); UTF-16 with a BOM decoded. */
export async function readCapped(
  response: Awaited<ReturnType<typeof request>>,
  maxBytes: number,
): Promise<string> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.body.destroy();
    throw new AppError(
      'FETCH_TOO_LARGE',
      `the document is ${declared} bytes, more than the ${maxBytes}-byte limit`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      response.body.destroy();
      throw new AppError(
        'FETCH_TOO_LARGE',
        `the document is larger than the ${maxBytes}-byte limit`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return decodeDocument(Buffer.concat(chunks));
}

const NETWORK_ERRORS: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'did not accept a connection within the connect timeout',
  ECONNREFUSED: 'refused the connection',
  ECONNRESET: 'reset the connection',
  CERT_HAS_EXPIRED: 'has an expired TLS certificate',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'has a self-signed TLS certificate (not trusted)',
  SELF_SIGNED_CERT_IN_CHAIN: 'has a TLS certificate from an untrusted CA',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'has a TLS certificate that cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'has a TLS certificate that does not name this host',
};

/** A network failure in words an admin can act on, naming the host. */
export function describeNetworkError(error: unknown, url: URL): string {
  const e = error as { code?: string; message?: string };
  const known = e.code ? NETWORK_ERRORS[e.code] : undefined;
  return `${url.host} ${known ?? `failed: ${e.code ?? e.message ?? 'network error'}`}`;
}

/**
 * A refusal on a redirect is the server's doing, not the caller's (DESIGN §6: a refused URL given on
 * the command line is bad input; one reached through a redirect is a finding).
 */
export function redirectRefusal(error: unknown): unknown {
  return isAppError(error, 'URL_REFUSED')
    ? new AppError('REDIRECT_REFUSED', `a redirect was refused: ${error.message}`, { cause: error })
    : error;
}
