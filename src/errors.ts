/**
 * The catalogue of coded errors adapters raise (STYLE.md "Errors"). Raw library errors never cross
 * a boundary: they become an AppError with one of these codes and the original as `cause`.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: 'One or more settings are missing or invalid.',
  BAD_INPUT: 'The input was refused.',
  URL_REFUSED: 'The URL is not allowed by the outbound rules.',
  REDIRECT_REFUSED: 'A redirect led to a URL the outbound rules refuse.',
  FETCH_FAILED: 'The request failed.',
  FETCH_TIMEOUT: 'The request timed out.',
  FETCH_TOO_LARGE: 'The response was larger than allowed.',
  FETCH_TOO_MANY_REDIRECTS: 'The URL redirected too many times.',
  FETCH_HTTP_STATUS: 'The server answered with an error status.',
  GRAPH_FAILED: 'Microsoft Graph could not be read.',
  GRAPH_AUTH_FAILED: 'The app could not sign in to Microsoft Graph.',
  GRAPH_NOT_FOUND: 'Microsoft Graph has no such object.',
  REALM_DISCOVERY_FAILED: 'Realm discovery failed.',
  STORE_FAILED: 'The store could not be read or written.',
  SWEEP_BUSY: 'Another sweep is running.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}
