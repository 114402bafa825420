import { AuditService } from '../../audit/audit.service.js';
import { withPlatform } from '../command-context.js';
import type { Print } from '../print.js';

/** `windward audit verify`: the exit code is 0 for an intact chain, 1 at the first broken event. */
export async function auditVerify(print: Print): Promise<number> {
  const status = await withPlatform((app) => app.get(AuditService).verifyChain());
  if (status.ok) {
    print(`ok: ${status.checked} events checked`);
    return 0;
  }
  print(`broken at event ${status.firstBrokenId} (seq ${status.firstBrokenSeq}): ${status.reason}`);
  return 1;
}
