import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RequestContext } from '../access/request-context.js';
import { SeizureReadAudit } from '../seizures/read/seizure-read-audit.js';
import { SeizureSearchService, clampFirst } from '../seizures/data/seizure-search.service.js';
import type { SeizureView } from '../seizures/read/seizure-view.js';
import { SeizureViews } from '../seizures/read/seizure-views.js';
import { PlatformSecrets } from '../keys/platform-secrets.service.js';
import type { ChangeKind } from './change-feed.model.js';
import { FEED_CURSOR_KEY, openFeedCursorOrThrow, sealFeedCursor } from './feed-cursor.js';
import { feedReaderId } from './feed-reader.js';
import { FeedDisclosureEntity } from '../seizures/data/feed-disclosure.entity.js';

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

/**
 * The partner pull feed: pages through the append-only change log (seizure_changes) by seq and
 * answers, for each report that changed, what the caller may see of it NOW. Which rows a page holds
 * is decided in SQL by the same access condition as every other read (SeizureSearchService
 * .feedChanges): only each report's latest change, and only of reports the caller reads now or
 * was shown before. A report that stopped being visible (withdrawn release, lowered distribution,
 * retraction) turns into a REMOVE, one that became visible into an UPSERT.
 *
 * Disclosure: a page holds up to `first` changes the reader may hear of, whatever the others in
 * the log, and its cursor is sealed (feed-cursor.ts). So neither a page's size, nor whether more
 * are waiting, nor the cursor tells a reader how many changes it was not shown.
 *
 * Nothing is skipped while records change during paging: a change is appended with a higher seq,
 * and seqs become visible in order (the migration FeedDisclosures makes writers allocate seqs
 * under the audit-chain lock, held until commit), so a later page sees every later change. The log's
 * head is read before the page: a page that is not full covers the log up to it, and its cursor
 * moves there, so the next poll reads only what came after.
 */
@Injectable()
export class ChangeFeedService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly search: SeizureSearchService,
    private readonly views: SeizureViews,
    private readonly readAudit: SeizureReadAudit,
    private readonly secrets: PlatformSecrets,
  ) {}

  async page(ctx: RequestContext, after: string | null | undefined, first: number | null | undefined): Promise<FeedPage> {
    const size = clampFirst(first, FEED_DEFAULT_PAGE);
    const key = await this.secrets.key(FEED_CURSOR_KEY);
    const readerId = feedReaderId(ctx.principal);
    const afterSeq = after ? openFeedCursorOrThrow(key, readerId, after) : '0';
    const head = await this.search.changeLogHead();
    const rows = await this.search.feedChanges(ctx, readerId, afterSeq, head, size + 1);
    const changes = rows.slice(0, size);
    const hasMore = rows.length > size;
    const covered = hasMore ? changes.at(-1)!.seq : BigInt(head) > BigInt(afterSeq) ? head : afterSeq;
    const cursor = sealFeedCursor(key, readerId, covered);
    if (changes.length === 0) return { items: [], cursor, hasMore };

    const visible = new Map((await this.search.byIds(ctx, changes.map((change) => change.seizureId))).map((s) => [s.id, s]));

    const items: FeedItem[] = [];
    const shown: SeizureView[] = [];
    const delivered: Delivery[] = [];
    for (const change of changes) {
      const entity = visible.get(change.seizureId);
      if (entity && entity.status !== 'RETRACTED') {
        const view = this.views.view(ctx, entity);
        shown.push(view);
        delivered.push({ seizureId: change.seizureId, seq: change.seq, kind: 'UPSERT' });
        items.push({ kind: 'UPSERT', seizureId: change.seizureId, at: change.at, seizure: view });
      } else if (change.shown) {
        // Only for reports this reader was shown: a tombstone must not reveal that a report exists.
        delivered.push({ seizureId: change.seizureId, seq: change.seq, kind: 'REMOVE' });
        items.push({ kind: 'REMOVE', seizureId: change.seizureId, at: change.at, seizure: null });
      }
      // Neither: its visibility changed between the two reads; its next change brings it.
    }
    if (delivered.length) await this.recordDeliveries(ctx, readerId, delivered, shown);
    return { items, cursor, hasMore };
  }

  /** A cursor at the log's end as it is now, for this reader: a reader that starts there hears only of later changes. */
  async cursorAtEnd(ctx: RequestContext): Promise<string> {
    return sealFeedCursor(await this.secrets.key(FEED_CURSOR_KEY), feedReaderId(ctx.principal), await this.search.changeLogHead());
  }

  /**
   * Remembers what this reader was sent about each report (FeedDisclosureEntity: shown, for later
   * REMOVEs; where its REMOVE was, so that it is not sent again as the report changes while hidden),
   * and audits what it was shown: one read event per report, like any other read, so the owner
   * agency's administrators see it in that report's auditTrail. One transaction per page: the
   * deliveries in one statement, rows locked in id order and before the audit-chain lock (so two
   * pages of one reader cannot wait on each other), then the page's read events in one INSERT.
   */
  private async recordDeliveries(ctx: RequestContext, readerId: string, delivered: Delivery[], shown: SeizureView[]): Promise<void> {
    const table = this.dataSource.getMetadata(FeedDisclosureEntity).tableName;
    const ordered = [...delivered].sort((a, b) => (a.seizureId < b.seizureId ? -1 : a.seizureId > b.seizureId ? 1 : 0));
    await this.dataSource.transaction(async (manager) => {
      // Only forwards: a slower request's older delivery does not overwrite a later one's.
      await manager.query(
        `INSERT INTO "${table}" AS d (reader_id, seizure_id, last_seq, last_kind) ` +
          'SELECT $1, r.seizure_id, r.seq, r.kind FROM unnest($2::uuid[], $3::bigint[], $4::text[]) AS r(seizure_id, seq, kind) ' +
          'ON CONFLICT (reader_id, seizure_id) DO UPDATE SET last_seq = EXCLUDED.last_seq, last_kind = EXCLUDED.last_kind ' +
          'WHERE d.last_seq IS NULL OR d.last_seq < EXCLUDED.last_seq',
        [readerId, ordered.map((d) => d.seizureId), ordered.map((d) => d.seq), ordered.map((d) => d.kind)],
      );
      if (shown.length) await this.readAudit.recordReadsIn(manager, ctx, shown, 'changes');
    });
  }
}

/** What one page sent about one report. */
interface Delivery {
  seizureId: string;
  seq: string;
  kind: ChangeKind;
}
