import type { IncomingMessage } from 'node:http';
import { AppError, isAppError } from '../errors';

export type JsonBody =
  { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; message: string };

/** Keys that mean something to JavaScript objects; PowerShell never writes them. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The body, or undefined once it passes `maxBytes` (the rest is read and dropped, not kept). */
function collect(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.resume();
      resolve(undefined);
    };
    req.on('data', onData);
    req.once('end', () => resolve(size <= maxBytes ? Buffer.concat(chunks) : undefined));
    req.once('error', reject);
  });
}

/**
 * Reads a JSON request body of at most `maxBytes` (refusing early on Content-Length), as UTF-8 with
 * or without a byte-order mark. Objects with `__proto__`, `constructor` or `prototype` keys are
 * refused outright rather than sanitised: no honest collector sends them.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<JsonBody> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json')
    return { ok: false, status: 415, message: 'the body must be application/json' };
  const tooLarge = {
    ok: false,
    status: 413,
    message: `the body is larger than ${maxBytes} bytes`,
  } as const;
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
    req.resume();
    return tooLarge;
  }
  const body = await collect(req, maxBytes);
  if (!body) return tooLarge;
  const text = body.toString('utf8').replace(/^\uFEFF/, '');
  try {
    const value: unknown = JSON.parse(text, (key, v: unknown) => {
      if (FORBIDDEN_KEYS.has(key))
        throw new AppError('BAD_INPUT', `the key "${key}" is not allowed`);
      return v;
    });
    return { ok: true, value };
  } catch (error) {
    const message = isAppError(error, 'BAD_INPUT')
      ? error.message
      : `the body is not JSON (${(error as Error).message})`;
    return { ok: false, status: 400, message };
  }
}
