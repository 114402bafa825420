import { userInfo } from 'node:os';
import { SYSTEM_ACTOR, type AuditActor } from '../audit/audit.service.js';

/**
 * How a change made at the command line is audited: by the system, as no Windward user signed in,
 * with the command and the operating-system account that ran it, so the trail tells an operator's
 * act from the API's and says whose login it came from.
 */
export function commandLineActor(command: string): AuditActor {
  return { actor: SYSTEM_ACTOR, actorEmail: null, agency: null, origin: { via: 'cli', command: `windward ${command}`, osUser: osUser() } };
}

function osUser(): string | null {
  try {
    return userInfo().username;
  } catch {
    // A uid without a passwd entry (a container run as an arbitrary user).
    return process.env.USER ?? null;
  }
}
