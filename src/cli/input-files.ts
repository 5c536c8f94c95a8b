import { readFileSync, statSync } from 'node:fs';
import { decodeDocument } from '../engine/text-encoding';
import { AppError, isAppError } from '../errors';

/**
 * Files given on the command line: size-capped, decoded by their BOM (UTF-8, or the UTF-16 Windows
 * PowerShell 5.1 writes), and bad input said in the CLI's words.
 */

const MAX_FILE_BYTES = 4 * 1024 * 1024;

export function bad(message: string): AppError {
  return new AppError('BAD_INPUT', message);
}

export function readInputFile(path: string, what: string): string {
  try {
    if (statSync(path).size > MAX_FILE_BYTES)
      throw bad(`${what} ${path} is larger than ${MAX_FILE_BYTES} bytes`);
    return decodeDocument(readFileSync(path));
  } catch (error) {
    if (isAppError(error)) throw error;
    throw bad(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

export function readJsonFile(path: string, what: string): unknown {
  const text = readInputFile(path, what);
  try {
    return JSON.parse(text);
  } catch {
    throw bad(`${what} ${path} is not valid JSON`);
  }
}
