import { parseAnchor } from '../../audit/audit-anchors.js';
import { AuditEventEntity } from '../../audit/audit-event.entity.js';
import { AuditService } from '../../audit/audit.service.js';
import { withReadOnlyDatabase } from '../command-context.js';
import type { Print } from '../print.js';

/**
 * `windward audit verify [--anchor <seq>:<hash> ...]`: the exit code is 0 for an intact chain that
 * reaches every anchor with its hash, 1 at the first broken event or the first anchor it fails;
 * a failure to check at all exits 2 (main.ts), never 1.
 * On success a second line gives the chain's end, an anchor to keep for the next verification.
 * It only reads, so it runs with a read-only database role (an auditor's) and without the platform.
 */
export async function auditVerify(options: { anchor?: string[] }, print: Print): Promise<number> {
  const anchors = (options.anchor ?? []).map(parseAnchor);
  const status = await withReadOnlyDatabase((dataSource) => new AuditService(dataSource, dataSource.getRepository(AuditEventEntity)).verifyChain(anchors));
  if (status.ok) {
    const distinct = status.anchorsReached ?? 0;
    const reached = distinct ? `, ${distinct} anchor${distinct === 1 ? '' : 's'} reached` : '';
    print(`ok: ${status.checked} events checked${reached}`);
    if (status.head) print(`anchor: ${status.head.seq}:${status.head.hash}`);
    return 0;
  }
  if (status.firstBrokenId === null) {
    print(`broken at seq ${status.firstBrokenSeq}: ${status.reason}`);
    return 1;
  }
  print(`broken at event ${status.firstBrokenId} (seq ${status.firstBrokenSeq}): ${status.reason}`);
  return 1;
}
