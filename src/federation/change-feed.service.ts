import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { RequestContext } from '../access/request-context.js';
import { checkedSequence } from '../database/keyset-cursor.js';
import { BadUserInputError } from '../errors/domain-error.js';
import { SeizureChangeEntity } from '../seizures/data/seizure-change.entity.js';
import { SeizureReadAudit } from '../seizures/read/seizure-read-audit.js';
import { SeizureSearchService, clampFirst } from '../seizures/data/seizure-search.service.js';
import type { SeizureView } from '../seizures/read/seizure-view.js';
import { SeizureViews } from '../seizures/read/seizure-views.js';
import type { ChangeKind } from './change-feed.model.js';
import { FeedDisclosureEntity } from './feed-disclosure.entity.js';

export const FEED_DEFAULT_PAGE = 100;

export interface FeedItem {
  kind: ChangeKind;
  seizureId: string;
  at: Date;
  seizure: SeizureView | null;
}

export interface FeedPage {
  items: FeedItem[];
  cursor: string;
  hasMore: boolean;
}

/** The cursor is the seq of the last change-log row a page covered, made opaque. */
export function encodeFeedCursor(seq: string): string {
  return Buffer.from(`seq:${seq}`, 'utf8').toString('base64url');
}

export function decodeFeedCursorOrThrow(cursor: string): string {
  const match = /^seq:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new BadUserInputError('after: not a cursor returned by this API', ['after']);
  return checkedSequence(match[1]); // 19 digits may still be beyond bigint
}

/**
 * The partner pull feed: pages through the append-only change log (seizure_changes) by seq and
 * answers, for each report that changed, what the caller may see of it NOW. Visibility is decided
 * by the same SQL path as every other read (one query per page), so a report that stopped being
 * visible (withdrawn release, lowered distribution, retraction) turns into a REMOVE, and one that
 * became visible into an UPSERT.
 *
 * Nothing is skipped while records change during paging: a change is appended with a higher seq,
 * and seqs become visible in order (the migration FeedDisclosures makes writers allocate seqs
 * under the audit-chain lock, held until commit), so a later page sees every later change.
 */
@Injectable()
export class ChangeFeedService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly search: SeizureSearchService,
    private readonly views: SeizureViews,
    private readonly readAudit: SeizureReadAudit,
  ) {}

  async page(ctx: RequestContext, after: string | null | undefined, first: number | null | undefined): Promise<FeedPage> {
    const size = clampFirst(first, FEED_DEFAULT_PAGE);
    const afterSeq = after ? decodeFeedCursorOrThrow(after) : '0';
    const rows = await this.dataSource
      .getRepository(SeizureChangeEntity)
      .createQueryBuilder('c')
      .where('c.seq > :afterSeq', { afterSeq })
      .orderBy('c.seq', 'ASC')
      .limit(size + 1)
      .getMany();
    const scanned = rows.slice(0, size);
    const cursor = encodeFeedCursor(scanned.at(-1)?.seq ?? afterSeq);
    const hasMore = rows.length > size;

    // Only the latest change of each report matters: the report is sent in its current state.
    const latest = new Map<string, SeizureChangeEntity>();
    for (const row of scanned) {
      latest.delete(row.seizureId);
      latest.set(row.seizureId, row);
    }
    const ids = [...latest.keys()];
    if (ids.length === 0) return { items: [], cursor, hasMore };

    const visible = new Map((await this.search.byIds(ctx, ids)).map((s) => [s.id, s]));
    const disclosed = new Set(
      (await this.dataSource.getRepository(FeedDisclosureEntity).find({
        select: { seizureId: true },
        where: { readerId: ctx.principal.userId, seizureId: In(ids) },
      })).map((row) => row.seizureId),
    );

    const items: FeedItem[] = [];
    const shown: SeizureView[] = [];
    for (const change of latest.values()) {
      const entity = visible.get(change.seizureId);
      if (entity && entity.status !== 'RETRACTED') {
        const view = this.views.view(ctx, entity);
        shown.push(view);
        items.push({ kind: 'UPSERT', seizureId: change.seizureId, at: change.at, seizure: view });
      } else if (disclosed.has(change.seizureId)) {
        // Only for reports this reader was shown: a tombstone must not reveal that a report exists.
        items.push({ kind: 'REMOVE', seizureId: change.seizureId, at: change.at, seizure: null });
      }
    }
    if (shown.length) await this.recordDisclosures(ctx, shown);
    return { items, cursor, hasMore };
  }

  /**
   * Remembers what this reader was shown (for later REMOVEs) and audits it. One event per report,
   * like any other read: the owner agency's administrators see it in that report's auditTrail,
   * which a single per-page event (one resource, one owner) could not give them. One transaction
   * per page, so the audit-chain lock is taken once per page.
   */
  private async recordDisclosures(ctx: RequestContext, views: SeizureView[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager
        .createQueryBuilder()
        .insert()
        .into(FeedDisclosureEntity)
        .values(views.map((view) => ({ readerId: ctx.principal.userId, seizureId: view.id })))
        .orIgnore()
        .execute();
      for (const view of views) {
        await this.readAudit.recordReadIn(manager, ctx, view, 'changes');
      }
    });
  }
}
