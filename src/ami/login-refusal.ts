/**
 * What a refused AMI login means, read from Asterisk's own words. Pure: the refusal's `Message:`
 * in, a catalogue error out. The texts are those of main/manager.c (the same from Asterisk 13 to
 * 22), and they decide how the client goes on, so each is told apart:
 *
 * - `Authentication failed`: authenticate() refused the user name, the secret (or the MD5 key),
 *   or our address under the user's permit/deny lines: one text for all of them. Settings someone
 *   must fix (AMI_ERR_AUTH); Asterisk answers after a 1 s pause and closes the connection.
 * - `Asterisk is shutting down`: once a stop or restart has begun (`core restart now`, or a
 *   graceful one waiting for calls to end), process_message refuses every action, Login and
 *   Challenge included, and keeps the connection open. It passes by itself: Asterisk comes back,
 *   or the shutdown is cancelled (`core abort shutdown`).
 * - `Login Already In Use`: the user has `allowmultiplelogin = no` and a session of it is open,
 *   possibly our own previous one that Asterisk has not yet noticed is gone. Passes when it ends.
 * - anything else (a newer or patched Asterisk): nothing says the settings are wrong, so it is
 *   treated as passing, like the two above (AMI_ERR_LOGIN_REFUSED).
 */
import { CrmTelephonyError, ErrorCodes } from '../errors.ts';

export interface LoginRefusal {
  /** The PBX's id, for the message and the logs. */
  pbx: string;
  username: string;
  /** The `Message:` of the refusal, if any. */
  said: string | undefined;
  /** The action refused: `Login`, or `Challenge` before an MD5 login. */
  action?: string;
}

/** The refusal as an error whose message says what it means and what to do. Never holds the secret. */
export function loginRefusedError({ pbx, username, said, action = 'Login' }: LoginRefusal): CrmTelephonyError {
  const text = (said ?? '').trim();
  const details = { pbx, username, action, said: text || null };
  const refused = `PBX "${pbx}" refused the AMI login for user "${username}"`;
  switch (text.toLowerCase()) {
    case 'authentication failed':
      return new CrmTelephonyError(
        ErrorCodes.AMI_ERR_AUTH,
        `${refused} (Authentication failed): the user name or secret is wrong, or the user's permit/deny lines do not allow this host. Check AMI_USERNAME and AMI_SECRET against the user's section in manager.conf on the PBX, and its permit/deny for this host; "manager reload" there applies a fix.`,
        details,
      );
    case 'asterisk is shutting down':
      return new CrmTelephonyError(
        ErrorCodes.AMI_ERR_LOGIN_REFUSED,
        `${refused} (Asterisk is shutting down): Asterisk is stopping or restarting. This passes when it is back (or the shutdown is cancelled); nothing to change here.`,
        details,
      );
    case 'login already in use':
      return new CrmTelephonyError(
        ErrorCodes.AMI_ERR_LOGIN_REFUSED,
        `${refused} (Login Already In Use): the user has allowmultiplelogin = no in manager.conf and another session of it is open (perhaps our previous one, until the PBX notices it is gone). If another program shares this AMI user, give each its own user or set allowmultiplelogin = yes.`,
        details,
      );
    default:
      return new CrmTelephonyError(
        ErrorCodes.AMI_ERR_LOGIN_REFUSED,
        `${refused} (${action === 'Login' ? '' : `${action}: `}${text || 'no reason given'}). This is not Asterisk's answer to a wrong secret; the Asterisk log on the PBX says more.`,
        details,
      );
  }
}
