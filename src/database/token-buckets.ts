import type { DataSource } from 'typeorm';

/*
 * Token buckets in the database, shared by every API replica: the partner clients' per-agency rate
 * limit and the per-address limit on starting a console sign-in. Keys are namespaced by their user
 * (`agency:JM`, `oidc-start:203.0.113.7`). The table keeps the name of its first use,
 * partner_rate_buckets.
 */

/** Takes a token of a bucket: 0 when admitted, else the whole seconds until one is available. */
export interface TokenBucketStore {
  take(key: string): Promise<number>;
}

/**
 * Token buckets shared by every API replica, one row per key in the database: each holds up to
 * `burst` tokens and refills at `perMinute`; a request takes one. The refill, the decision and the
 * decrement are one statement on the locked row, so concurrent requests on any replicas never
 * spend a token twice, and time is the database's clock, the same for every replica. The table is
 * UNLOGGED: after a crash, a failover to a standby or a restore the buckets start full again, which
 * loses nothing anyone submitted.
 */
export class SharedTokenBuckets implements TokenBucketStore {
  private readonly perSecond: number;
  /**
   * Per bucket, when this process last heard that it was empty: the earliest moment it can hold a
   * token again. Until then a refusal is answered here, without the database: other replicas can
   * only take tokens, never add them, so the answer is the same, and a flood of refused requests
   * does not queue on the bucket's row.
   */
  private readonly emptyUntil = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    perMinute: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perSecond = perMinute / 60;
  }

  async take(key: string): Promise<number> {
    const until = this.emptyUntil.get(key);
    if (until !== undefined && this.now() < until) return Math.max(1, Math.ceil((until - this.now()) / 1000));
    this.emptyUntil.delete(key);
    const [row] = (await this.dataSource.query(TAKE_TOKEN, [key, this.burst, this.perSecond])) as { admitted: boolean; tokens: number }[];
    if (row.admitted) return 0;
    const seconds = (1 - Number(row.tokens)) / this.perSecond;
    if (this.emptyUntil.size >= EMPTY_BUCKETS_KEPT) this.emptyUntil.clear();
    this.emptyUntil.set(key, this.now() + seconds * 1000);
    return Math.max(1, Math.ceil(seconds));
  }

  /** Removes the buckets under `prefix` untouched for `idleMs`: when that is longer than a refill from empty, they are full, the same as none. */
  async pruneIdle(prefix: string, idleMs: number): Promise<void> {
    await this.dataSource.query("DELETE FROM partner_rate_buckets WHERE starts_with(bucket, $1) AND touched_at < statement_timestamp() - $2::interval", [prefix, `${idleMs / 1000} seconds`]);
  }
}

/** A bound on the refusals remembered (per agency a handful; per address, as many as are refused at once). */
const EMPTY_BUCKETS_KEPT = 10_000;

/*
 * $1 key, $2 burst, $3 tokens per second. A new bucket starts full and gives its first token; an
 * existing one is refilled for the time since it was last touched (never beyond the burst), and
 * gives a token if it then holds one.
 * statement_timestamp() is one instant for every expression of the statement (clock_timestamp()
 * would move between them). A statement that waited for the row lock may be older than the row's
 * touch: it refills nothing, and the touch does not move back. A touch more than a minute ahead of
 * the clock (the database's clock was set back) is moved to now, so that a clock step stops the
 * refill for one request, not for as long as the step.
 */
const REFILLED = 'LEAST($2::float8, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM statement_timestamp() - b.touched_at))::float8 * $3::float8)';
const TAKE_TOKEN = `
  INSERT INTO partner_rate_buckets AS b (bucket, tokens, admitted, touched_at) VALUES ($1, $2::float8 - 1, TRUE, statement_timestamp())
  ON CONFLICT (bucket) DO UPDATE SET
    admitted = ${REFILLED} >= 1,
    tokens = ${REFILLED} - CASE WHEN ${REFILLED} >= 1 THEN 1 ELSE 0 END,
    touched_at = CASE WHEN b.touched_at > statement_timestamp() + interval '1 minute' THEN statement_timestamp() ELSE GREATEST(b.touched_at, statement_timestamp()) END
  RETURNING admitted, tokens`;
