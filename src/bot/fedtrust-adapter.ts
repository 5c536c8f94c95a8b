import { CloudAdapter, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import { validateAndFixActivity } from 'botbuilder/lib/activityValidator';
import type { AuthenticateRequestResult } from 'botframework-connector';

/**
 * CloudAdapter with authentication as its own step (DESIGN §10): CloudAdapter.process answers 401 only
 * to botbuilder's own AuthenticationError and 500 with the library's text to every other failure (a
 * forged signature, an expired token, `alg: none`), so src/server.ts authenticates first and runs the
 * turn only for a request that passed.
 */
export class FedtrustAdapter extends CloudAdapter {
  /** Throws on any authentication failure: missing, malformed, unsigned, wrongly signed, expired… */
  authenticate(
    activity: Partial<Activity>,
    authHeader: string,
  ): Promise<AuthenticateRequestResult> {
    return this.botFrameworkAuthentication.authenticateRequest(activity as Activity, authHeader);
  }

  /** Runs an authenticated activity (timestamps parsed as CloudAdapter.process does). */
  run(
    auth: AuthenticateRequestResult,
    activity: Partial<Activity>,
    logic: (turn: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, validateAndFixActivity(activity as Activity), logic);
  }
}
