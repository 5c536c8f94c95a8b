/** The collector's -Organization: letters and digits first, then also space, dot, dash, underscore. */
const ORGANIZATION_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u;
export const MAX_ORGANIZATION_LENGTH = 128;

/**
 * Whether `name` is an organisation name the collector may send and a command may ask for. Kept
 * narrow so it can never become markup on a card or a path anywhere.
 */
export function isOrganizationName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length <= MAX_ORGANIZATION_LENGTH &&
    ORGANIZATION_NAME.test(name)
  );
}
