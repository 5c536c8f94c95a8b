import { STATUS_ORDER } from '../engine/finding-helpers';
import type { Status } from '../engine/types';

/** Nagios plugin exit codes (DESIGN §2). */
export const EXIT = { ok: 0, warning: 1, critical: 2, unknown: 3 } as const satisfies Record<
  Status,
  number
>;

/** The worst result, in the order critical (2) > unknown (3) > warning (1) > ok (0). */
export function worstExitCode(statuses: Status[]): number {
  const worst = STATUS_ORDER.find((s) => statuses.includes(s)) ?? 'unknown';
  return EXIT[worst];
}
