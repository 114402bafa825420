import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { whereAllowed } from '../access/casl-sql.js';
import type { RequestContext } from '../access/request-context.js';
import { BadUserInputError, ForbiddenError } from '../errors/domain-error.js';
import { AuditChainVerifier, AuditChainsVerifier, GENESIS_HASH, auditEventHash, inAgencyChain, type AgencyChainLink, type StoredAuditEvent } from './audit-chain.js';
import { decodeAuditCursorOrThrow, encodeAuditCursor } from './audit-cursor.js';
import { AnchorCheck, type AuditAnchor } from './audit-anchors.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { toAuditEventModel, type AuditEventConnectionModel } from './audit.models.js';
import { auditChainViewOf } from './audit-view.js';
import { isUuid } from '../database/uuid.js';

/** Arbitrary but fixed: serialises appends to the chain across every process. */
const AUDIT_CHAIN_LOCK = 7_337_010;
const VERIFY_BATCH = 5000;

/** The columns of an event, in the order APPEND_AFTER and insertEvents write them. */
const EVENT_COLUMNS =
  'seq, id, at, actor, actor_email, agency, action, resource_type, resource_id, resource_agency, fields, details, prev_hash, hash, agency_seq, agency_prev_hash, agency_hash';
const EVENT_TYPES = ['bigint', 'uuid', 'timestamptz', 'text', 'text', 'text', 'text', 'text', 'uuid', 'text', 'text[]', 'jsonb', 'text', 'text', 'bigint', 'text', 'text'];
const LOCK_PARAMETER = EVENT_TYPES.length + 1;
/**
 * Appends one event after a known end of the chain ($1 - 1, hash $13), in one statement. It takes
 * the chain lock, and inserts nothing when that end is not the current one: either the statement's
 * snapshot shows another end, or (when the lock was not yet held as the statement began, so its
 * snapshot may predate a commit) a committed event already has seq $1, which ON CONFLICT sees.
 * The event's place in its agency's chain ($15, after hash $16) is checked the same way.
 * Single events only: for several, a conflict on one would let the others in with a broken link.
 */
const APPEND_AFTER = `
  WITH chain_lock AS (SELECT pg_advisory_xact_lock($${LOCK_PARAMETER}))
  INSERT INTO audit_events (${EVENT_COLUMNS})
  SELECT ${EVENT_TYPES.map((type, i) => `$${i + 1}::${type}`).join(', ')}
    FROM chain_lock
   WHERE EXISTS (SELECT 1 FROM (SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1) tail WHERE tail.seq = $1::bigint - 1 AND tail.hash = $13::text)
     AND ($15::bigint IS NULL
          OR (NOT EXISTS (SELECT 1 FROM audit_events later WHERE later.resource_agency = $10::text AND later.agency_seq >= $15::bigint)
              AND ($15::bigint = 1 AND $16::text = '${GENESIS_HASH}'
                   OR EXISTS (SELECT 1 FROM audit_events prev WHERE prev.resource_agency = $10::text AND prev.agency_seq = $15::bigint - 1 AND prev.agency_hash = $16::text))))
  ON CONFLICT DO NOTHING
  RETURNING seq`;
/** The end of the platform's chain (agency null), then of each agency's chain named in $1 that has one. */
const CHAIN_ENDS = `
  SELECT NULL::text AS agency, tail.seq::text AS seq, tail.hash FROM (SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1) tail
  UNION ALL
  SELECT named.code, agency_tail.agency_seq::text, agency_tail.agency_hash
    FROM unnest($1::text[]) AS named(code)
    JOIN LATERAL (SELECT agency_seq, agency_hash FROM audit_events
                   WHERE resource_agency = named.code AND agency_seq IS NOT NULL ORDER BY agency_seq DESC LIMIT 1) agency_tail ON TRUE`;
/** Rows per INSERT: 17 parameters each, well under PostgreSQL's 65,535 parameters a statement. */
const INSERT_ROWS = 1000;

/** A chain's last event: its position and hash. */
interface ChainEnd {
  seq: bigint;
  hash: string;
}

function eventValues(event: AuditEventEntity): unknown[] {
  return [
    event.seq, event.id, event.at, event.actor, event.actorEmail, event.agency, event.action, event.resourceType, event.resourceId,
    event.resourceAgency, event.fields, JSON.stringify(event.details), event.prevHash, event.hash, event.agencySeq, event.agencyPrevHash, event.agencyHash,
  ];
}

/**
 * The events as multi-row INSERTs written here rather than through TypeORM's insert builder, whose
 * work per row was most of the cost of recording a change-feed page (bench/feed: recording a page of
 * 200 reports went from 75 to 54 ms).
 */
async function insertEvents(manager: EntityManager, events: readonly AuditEventEntity[]): Promise<void> {
  for (let start = 0; start < events.length; start += INSERT_ROWS) {
    const chunk = events.slice(start, start + INSERT_ROWS);
    const values: unknown[] = [];
    const rows = chunk.map((event) => {
      const first = values.length;
      values.push(...eventValues(event));
      return `(${EVENT_TYPES.map((type, i) => `$${first + i + 1}::${type}`).join(', ')})`;
    });
    await manager.query(`INSERT INTO audit_events (${EVENT_COLUMNS}) VALUES ${rows.join(', ')}`, values);
  }
}
const MAX_PAGE = 200;
/** The actor of events no user caused (jobs, CLI maintenance). */
export const SYSTEM_ACTOR = 'system';

export interface AuditEventInput {
  actor: string;
  actorEmail?: string | null;
  /** The actor's agency. */
  agency: string;
  action: string;
  resourceType?: string | null;
  resourceId?: string | null;
  /** The agency that owns the resource: whose administrators and auditors see the event. */
  resourceAgency?: string | null;
  fields?: string[];
  details?: Record<string, unknown>;
}

export type AuditEventOfContext = Omit<AuditEventInput, 'actor' | 'actorEmail' | 'agency'>;

/** An event acted by the request's caller: actor, email and agency come from the principal. */
export function auditFromContext(ctx: RequestContext, event: AuditEventOfContext): AuditEventInput {
  return { ...event, actor: ctx.principal.userId, actorEmail: ctx.principal.email, agency: ctx.principal.agencyCode };
}

/**
 * Who makes a change, for services that some callers have a request for and others not: a
 * request's caller (actorOfContext), or the system with `origin` saying what acted through it (the
 * command line names its command and the operating-system user, cli/command-actor.ts).
 */
export interface AuditActor {
  actor: string;
  actorEmail: string | null;
  /** The actor's agency; null for the system, whose events carry the agency of the record changed. */
  agency: string | null;
  /** Recorded as the event's `details.origin`. */
  origin?: Record<string, unknown>;
}

/** The system with nothing more to say (the services' default where every caller is an operator). */
export const SYSTEM_AUDIT_ACTOR: AuditActor = { actor: SYSTEM_ACTOR, actorEmail: null, agency: null };

export function actorOfContext(ctx: RequestContext): AuditActor {
  return { actor: ctx.principal.userId, actorEmail: ctx.principal.email, agency: ctx.principal.agencyCode };
}

/** An event by `by` on a record of `recordAgency` (the system's agency when `by` is the system). */
export function auditBy(by: AuditActor, recordAgency: string, event: AuditEventOfContext): AuditEventInput {
  const details = by.origin ? { ...event.details, origin: by.origin } : event.details;
  return { ...event, details, actor: by.actor, actorEmail: by.actorEmail, agency: by.agency ?? recordAgency };
}

export interface AuditChainStatus {
  ok: boolean;
  checked: number;
  firstBrokenId: string | null;
  firstBrokenSeq?: string;
  reason?: string;
  /** When intact: its last event, to keep as an anchor (null for an empty chain). */
  head?: AuditAnchor | null;
  /** When intact: how many distinct anchors it reached (all that were given). */
  anchorsReached?: number;
}

interface AuditRow {
  seq: string;
  id: string;
  at: Date;
  sub_ms: boolean;
  actor: string;
  actor_email: string | null;
  agency: string;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  resource_agency: string | null;
  fields: string[];
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
  agency_seq: string | null;
  agency_prev_hash: string | null;
  agency_hash: string | null;
}

/** What the verifiers read of each event (AuditRow). */
const STORED_COLUMNS = `seq, id, at, date_trunc('milliseconds', at) <> at AS sub_ms, actor, actor_email, agency, action,
  resource_type, resource_id, resource_agency, fields, details, prev_hash, hash, agency_seq, agency_prev_hash, agency_hash`;

/** What the stored event will read back as: JSON as jsonb returns it, the uuid in lower case. */
function normalisedDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  const copy: unknown = JSON.parse(JSON.stringify(details ?? {}));
  if (copy === null || typeof copy !== 'object' || Array.isArray(copy)) throw new Error('Audit event details must be a JSON object');
  return copy as Record<string, unknown>;
}

interface PendingBatch {
  inputs: AuditEventInput[];
  done: Promise<AuditEventEntity[]>;
}

/**
 * The tamper-evident audit trail: an append-only hash chain in `audit_events`. Appends run inside
 * the caller's transaction, so an action and its audit event commit or roll back together.
 */
@Injectable()
export class AuditService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>,
  ) {}

  /**
   * Appends one event to the chain in the caller's transaction. A transaction-scoped advisory lock
   * serialises appends until commit, so seqs are gap-free and each event links to the last one.
   */
  async append(manager: EntityManager, input: AuditEventInput): Promise<AuditEventEntity> {
    const [event] = await this.appendMany(manager, [input]);
    return event;
  }

  /**
   * Appends events in order with one lock, one read of the chain's end and one INSERT: what a
   * request that audits many reads costs no more round trips than one that audits a single read.
   */
  async appendMany(manager: EntityManager, inputs: readonly AuditEventInput[]): Promise<AuditEventEntity[]> {
    if (!manager.queryRunner?.isTransactionActive) throw new Error('AuditService.append must run inside a transaction');
    if (inputs.length === 0) return [];
    const known = this.lastAppended;
    const agency = inputs[0].resourceAgency ?? null;
    if (inputs.length === 1 && known && (agency === null || known.agencies.has(agency))) {
      // One statement instead of three when this process wrote the chain's end: it takes the lock,
      // and inserts only if the end is still the one this event links to (see APPEND_AFTER).
      const agencies = new Map(known.agencies);
      const [event] = this.chained(manager, inputs, known.platform, agencies);
      const inserted = (await manager.query(APPEND_AFTER, [...eventValues(event), AUDIT_CHAIN_LOCK])) as unknown[];
      if (inserted.length === 1) {
        this.lastAppended = { platform: { seq: BigInt(event.seq), hash: event.hash }, agencies };
        return [event];
      }
      // Another writer (or a rolled-back transaction of ours) moved the end: read it under the lock.
    }
    await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    const ends = await this.chainEnds(manager, inputs);
    // Under the lock, a platform end equal to the one remembered means every event since was this
    // process's own: the agency ends remembered with it still hold. Otherwise only those just read.
    const remembered = this.lastAppended;
    if (remembered && remembered.platform.seq === ends.platform.seq && remembered.platform.hash === ends.platform.hash) {
      for (const [code, end] of remembered.agencies) if (!ends.agencies.has(code)) ends.agencies.set(code, end);
    }
    const events = this.chained(manager, inputs, ends.platform, ends.agencies);
    await insertEvents(manager, events);
    const end = events[events.length - 1];
    this.lastAppended = { platform: { seq: BigInt(end.seq), hash: end.hash }, agencies: ends.agencies };
    return events;
  }

  /** The chain's last event as an anchor (its seq and hash), or null for an empty chain; in `manager`'s transaction when given. */
  async chainEnd(manager: EntityManager = this.dataSource.manager): Promise<AuditAnchor | null> {
    const [last] = (await manager.query('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1')) as { seq: string; hash: string }[];
    return last ? { seq: String(last.seq), hash: last.hash } : null;
  }

  /** The ends of the platform's chain and of the chains of the agencies these events are on (genesis for a chain not yet begun). */
  private async chainEnds(manager: EntityManager, inputs: readonly AuditEventInput[]): Promise<{ platform: ChainEnd; agencies: Map<string, ChainEnd> }> {
    const named = [...new Set(inputs.map((input) => input.resourceAgency).filter((agency): agency is string => agency != null))];
    const rows = (await manager.query(CHAIN_ENDS, [named])) as { agency: string | null; seq: string; hash: string }[];
    const genesis = (): ChainEnd => ({ seq: 0n, hash: GENESIS_HASH });
    const agencies = new Map<string, ChainEnd>(named.map((code) => [code, genesis()]));
    let platform = genesis();
    for (const row of rows) {
      const end = { seq: BigInt(row.seq), hash: row.hash };
      if (row.agency === null) platform = end;
      else agencies.set(row.agency, end);
    }
    return { platform, agencies };
  }

  /**
   * The ends of the chains as this process last appended them. Only a hint: it may be stale
   * (another process appended, or the transaction rolled back), which APPEND_AFTER detects; an
   * agency's end is valid only along with the platform's end it was remembered with.
   */
  private lastAppended?: { platform: ChainEnd; agencies: ReadonlyMap<string, ChainEnd> };

  /**
   * The events linked one after the other from the given end of the platform's chain and, for those
   * on an agency's record, of that agency's chain (`agencyEnds`, moved on as they are linked).
   */
  private chained(manager: EntityManager, inputs: readonly AuditEventInput[], platformEnd: ChainEnd, agencyEnds: Map<string, ChainEnd>): AuditEventEntity[] {
    let { seq, hash: prevHash } = platformEnd;
    const at = new Date(Date.now()); // whole milliseconds: what timestamptz gives back
    return inputs.map((input) => {
      seq += 1n;
      const event = manager.create(AuditEventEntity, {
        seq: seq.toString(),
        id: randomUUID(),
        at,
        actor: input.actor,
        actorEmail: input.actorEmail ?? null,
        agency: input.agency,
        action: input.action,
        resourceType: input.resourceType ?? null,
        resourceId: input.resourceId ? input.resourceId.toLowerCase() : null,
        resourceAgency: input.resourceAgency ?? null,
        fields: [...(input.fields ?? [])],
        details: normalisedDetails(input.details),
        prevHash,
        agencySeq: null,
        agencyPrevHash: null,
        agencyHash: null,
      });
      event.hash = auditEventHash(event.prevHash, event);
      prevHash = event.hash;
      if (event.resourceAgency !== null) {
        const agencyEnd = agencyEnds.get(event.resourceAgency) ?? { seq: 0n, hash: GENESIS_HASH };
        event.agencySeq = (agencyEnd.seq + 1n).toString();
        event.agencyPrevHash = agencyEnd.hash;
        event.agencyHash = auditEventHash(agencyEnd.hash, { ...event, seq: event.agencySeq });
        agencyEnds.set(event.resourceAgency, { seq: agencyEnd.seq + 1n, hash: event.agencyHash });
      }
      return event;
    });
  }

  /**
   * Appends an event of a request that has no write to join (an audited read), batched with the
   * other events the same request appends while this one waits: sibling fields resolve together,
   * so 300 aliased reads become one transaction and one INSERT. Each caller still waits until its
   * event is committed before it returns the data it audits.
   */
  appendForRequest(ctx: RequestContext, input: AuditEventInput): Promise<AuditEventEntity> {
    let batch = this.pendingBatches.get(ctx);
    if (!batch) {
      const created: PendingBatch = { inputs: [], done: Promise.resolve([]) };
      created.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.pendingBatches.delete(ctx);
        return this.dataSource.transaction((manager) => this.appendMany(manager, created.inputs));
      });
      this.pendingBatches.set(ctx, (batch = created));
    }
    const index = batch.inputs.push(input) - 1;
    return batch.done.then((events) => events[index]);
  }

  private readonly pendingBatches = new WeakMap<RequestContext, PendingBatch>();

  /** Appends in a transaction of its own: for audited reads, which have no write to join. */
  appendStandalone(input: AuditEventInput): Promise<AuditEventEntity> {
    return this.dataSource.transaction((manager) => this.append(manager, input));
  }

  /**
   * The events about one resource that the caller may read, newest first, placed in the chain the
   * caller is shown (audit-view.ts): the platform's, or its agency's.
   */
  async trail(ctx: RequestContext, resourceId: string, first = 50, after?: string | null): Promise<AuditEventConnectionModel> {
    if (!isUuid(resourceId)) throw new BadUserInputError('resourceId must be a UUID', ['resourceId']);
    const view = auditChainViewOf(ctx);
    const limit = Math.min(Math.max(Math.trunc(first), 1), MAX_PAGE);
    const query = this.events
      .createQueryBuilder('e')
      .where('e.resourceId = :resourceId', { resourceId: resourceId.toLowerCase() })
      .orderBy('e.seq', 'DESC')
      .limit(limit + 1);
    // An agency's chain holds only the events on its records: in seq order too, so it pages the same way.
    if (view.kind === 'agency') {
      query.andWhere('e.resourceAgency = :viewAgency AND e.agencySeq IS NOT NULL AND e.agencyPrevHash IS NOT NULL AND e.agencyHash IS NOT NULL', { viewAgency: view.agency });
    }
    if (after != null) query.andWhere(view.kind === 'agency' ? 'e.agencySeq < :after' : 'e.seq < :after', { after: decodeAuditCursorOrThrow(after, view) });
    const rows = await whereAllowed(query, ctx.ability, 'read', 'AuditEvent').getMany();
    const page = rows.slice(0, limit);
    const edges = page.map((event) => {
      const node = toAuditEventModel(event, view);
      return { cursor: encodeAuditCursor(node.seq, view), node };
    });
    return { edges, pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  /**
   * verifyChain for a caller, who must hold `verify` on AuditChain: the chain the caller is shown.
   * An agency's auditor learns whether its agency's chain is intact and how many events it holds,
   * nothing that counts other agencies' events.
   */
  verify(ctx: RequestContext): Promise<AuditChainStatus> {
    if (!ctx.ability.can('verify', 'AuditChain')) throw new ForbiddenError('Verifying the audit chain is not allowed');
    const view = auditChainViewOf(ctx);
    return view.kind === 'agency' ? this.verifyAgencyChain(view.agency) : this.verifyChain();
  }

  /**
   * Re-checks one agency's chain in its order, a batch at a time, stopping at the first broken
   * event; then that no event on the agency's records stands outside the chain (which the schema's
   * CHECK forbids, so only a change made behind the application's back leaves one).
   */
  async verifyAgencyChain(agency: string): Promise<AuditChainStatus> {
    const verifier = new AuditChainVerifier();
    let after = '0';
    for (;;) {
      const rows = (await this.dataSource.query(
        `SELECT ${STORED_COLUMNS} FROM audit_events WHERE resource_agency = $1 AND agency_seq > $2 ORDER BY agency_seq LIMIT $3`,
        [agency, after, VERIFY_BATCH],
      )) as AuditRow[];
      for (const row of rows) {
        const link = inAgencyChain(storedEvent(row));
        const broken = link ? verifier.check(link) : { id: row.id, seq: String(row.agency_seq), reason: 'the event has lost its link in the chain' };
        if (broken) return { ok: false, checked: link ? verifier.checked : verifier.checked + 1, firstBrokenId: broken.id, firstBrokenSeq: broken.seq, reason: broken.reason };
      }
      if (rows.length < VERIFY_BATCH) break;
      after = String(rows[rows.length - 1].agency_seq);
    }
    const [outside] = (await this.dataSource.query(
      'SELECT id FROM audit_events WHERE resource_agency = $1 AND (agency_seq IS NULL OR agency_prev_hash IS NULL OR agency_hash IS NULL) ORDER BY seq LIMIT 1',
      [agency],
    )) as { id: string }[];
    if (outside) return { ok: false, checked: verifier.checked, firstBrokenId: outside.id, reason: "an event on the agency's records has no place in its chain" };
    return { ok: true, checked: verifier.checked, firstBrokenId: null };
  }

  /**
   * Re-checks the whole chain in seq order, and every agency's chain within it, a batch at a time,
   * and that it still reaches each anchor with the anchor's hash (audit-anchors.ts); stops at the
   * first broken event or anchor.
   */
  async verifyChain(anchors: readonly AuditAnchor[] = []): Promise<AuditChainStatus> {
    const verifier = new AuditChainsVerifier();
    const anchorCheck = new AnchorCheck(anchors);
    const anchorsReached = anchorCheck.size;
    let head: AuditAnchor | null = null;
    let after = '0';
    for (;;) {
      const rows = (await this.dataSource.query(
        `SELECT ${STORED_COLUMNS} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [after, VERIFY_BATCH],
      )) as AuditRow[];
      for (const row of rows) {
        const broken = verifier.check(storedEvent(row));
        if (broken) return { ok: false, checked: verifier.checked, firstBrokenId: broken.id, firstBrokenSeq: broken.seq, reason: broken.reason };
        const seq = String(row.seq);
        const contradicted = anchorCheck.check(seq, row.hash);
        if (contradicted) return { ok: false, checked: verifier.checked, firstBrokenId: row.id, firstBrokenSeq: seq, reason: contradicted };
        head = { seq, hash: row.hash };
      }
      if (rows.length < VERIFY_BATCH) {
        const unreached = anchorCheck.unreached();
        if (unreached) {
          const end = head ? `ends at seq ${head.seq}` : 'is empty';
          return { ok: false, checked: verifier.checked, firstBrokenId: null, firstBrokenSeq: unreached.seq, reason: `the chain ${end}, before the anchor ${unreached.seq}: events were deleted from its end` };
        }
        return { ok: true, checked: verifier.checked, firstBrokenId: null, head, anchorsReached };
      }
      after = rows[rows.length - 1].seq;
    }
  }
}

function storedEvent(row: AuditRow): StoredAuditEvent & AgencyChainLink {
  return {
    seq: String(row.seq),
    id: row.id,
    at: row.at,
    atHasSubMilliseconds: row.sub_ms,
    actor: row.actor,
    actorEmail: row.actor_email,
    agency: row.agency,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    resourceAgency: row.resource_agency,
    fields: row.fields,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
    agencySeq: row.agency_seq === null ? null : String(row.agency_seq),
    agencyPrevHash: row.agency_prev_hash,
    agencyHash: row.agency_hash,
  };
}
