/**
 * The change feed's cost for readers who see much and readers who see little.
 *
 *   npm run build && DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/feed.js [--rows 100000] [--page 200]
 *
 * Loads --rows synthetic seizures (bench/seizure-data.ts) and a change log of one submission per
 * report plus an amendment for one report in five, in submission order. Then, for each reader, it
 * syncs from the start (pages of --page through ChangeFeedService, as the `changes` query does,
 * disclosures and read audit included) and times every page; then appends 1,000 changes the reader
 * is not shown and times the poll that follows.
 *
 * What it shows: a page passes over, in SQL, every change the reader is not shown (so that no page
 * can count them). A reader who sees little pays for that on its first sync, which reads the whole
 * log; afterwards a poll reads only what came after the log's head at the previous poll.
 * PostgreSQL only (DATABASE_URL): the bulk loader writes through its own connections.
 */
import { parseArgs } from 'node:util';
import os from 'node:os';
import { AccessService } from '../src/access/access.service.js';
import type { RequestContext } from '../src/access/request-context.js';
import { AuthenticationService } from '../src/auth/authentication.service.js';
import { ChangeFeedService } from '../src/federation/change-feed.service.js';
import { SeizureSearchService } from '../src/seizures/data/seizure-search.service.js';
import { startBenchPlatform } from './bench-platform.js';
import { SeizureGenerator, loadSeizures } from './seizure-data.js';

const READERS: { label: string; agency: string; roles: string[] }[] = [
  { label: 'JM ELO (reads most reports)', agency: 'JM', roles: ['ELO'] },
  { label: 'KY ELO (a smaller member)', agency: 'KY', roles: ['ELO'] },
  { label: 'RILO-WE partner (reads little)', agency: 'RILO-WE', roles: ['PARTNER'] },
];

function readOptions(): { rows: number; page: number } {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, page: { type: 'string', default: '200' } } });
  const rows = Number(values.rows);
  const page = Number(values.page);
  if (!Number.isInteger(rows) || rows < 1) throw new Error('--rows: a positive integer');
  if (!Number.isInteger(page) || page < 1 || page > 200) throw new Error('--page: 1 to 200');
  return { rows, page };
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

async function main(): Promise<void> {
  const options = readOptions();
  if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL to a PostgreSQL server: the bulk loader writes through its own connections');
  const platform = await startBenchPlatform();
  try {
    const { server } = platform;
    const dataSource = server.runtime.dataSource;
    console.log(`change-feed benchmark: ${options.rows.toLocaleString('en-US')} seizures, pages of ${options.page}, ${platform.databaseKind}, node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})`);
    const connectionString = server.runtime.connection.pg.connectionString;
    if (!connectionString) throw new Error('the bench platform has no database URL');
    await loadSeizures(connectionString, options.rows, new SeizureGenerator({ seed: 7, rows: options.rows, years: 3, now: new Date() }));
    // The log as submissions and amendments would have written it: in submission order.
    await dataSource.query(`
      INSERT INTO seizure_changes (seizure_id, version, change, at)
      SELECT id, v, CASE WHEN v = 1 THEN 'SUBMIT' ELSE 'UPDATE' END, created_at + (v - 1) * interval '1 day'
        FROM seizures, generate_series(1, 2) AS v
       WHERE v = 1 OR hashtext(id::text) % 5 = 0
       ORDER BY created_at + (v - 1) * interval '1 day'`);
    await dataSource.query('ANALYZE seizure_changes');
    const [{ count }] = await dataSource.query<{ count: string }[]>('SELECT count(*)::text AS count FROM seizure_changes');
    console.log(`change log: ${Number(count).toLocaleString('en-US')} rows\n`);

    const feed = server.app.get(ChangeFeedService, { strict: false });
    for (const reader of READERS) {
      const principal = await server.app.get(AuthenticationService).authenticate(`Bearer ${await platform.apiKeyFor(reader.agency, reader.roles)}`);
      const ctx: RequestContext = { principal, ability: await server.app.get(AccessService).abilityFor(principal), requestId: 'bench' };

      // The page's SQL alone (which rows a page holds), through the same pages, before the feed
      // itself: the rest of a page is reading the reports, recording disclosures and the read audit.
      const search = server.app.get(SeizureSearchService);
      const head = await search.changeLogHead();
      const sqlTimes: number[] = [];
      for (let after = '0'; ;) {
        const t = performance.now();
        const rows = await search.feedChanges(ctx, principal.userId, after, head, options.page + 1);
        sqlTimes.push(performance.now() - t);
        if (rows.length <= options.page) break;
        after = rows[options.page - 1].seq;
      }
      const sqlSorted = [...sqlTimes].sort((a, b) => a - b);

      const times: number[] = [];
      let items = 0;
      let cursor: string | null = null;
      const started = performance.now();
      for (;;) {
        const t = performance.now();
        const page = await feed.page(ctx, cursor, options.page);
        times.push(performance.now() - t);
        items += page.items.length;
        cursor = page.cursor;
        if (!page.hasMore) break;
      }
      const total = performance.now() - started;
      const sorted = [...times].sort((a, b) => a - b);

      // Changes this reader is not shown (TLP:RED of another agency, naming nobody), then one poll.
      await dataSource.query(`
        INSERT INTO seizure_changes (seizure_id, version, change)
        SELECT id, 2, 'UPDATE' FROM seizures WHERE tlp = 'RED' AND reporting_agency <> $1 LIMIT 1000`, [reader.agency]);
      const t = performance.now();
      const poll = await feed.page(ctx, cursor, options.page);
      const pollMs = performance.now() - t;

      console.log(`${reader.label}:`);
      console.log(`  first sync: ${items.toLocaleString('en-US')} reports in ${times.length} pages, ${(total / 1000).toFixed(1)} s; page p50 ${ms(percentile(sorted, 0.5))}, p99 ${ms(percentile(sorted, 0.99))}, slowest ${ms(sorted.at(-1)!)}`);
      console.log(`  its SQL alone (SeizureSearchService.feedChanges): ${sqlTimes.length} pages, ${(sqlTimes.reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s; p50 ${ms(percentile(sqlSorted, 0.5))}, p99 ${ms(percentile(sqlSorted, 0.99))}`);
      console.log(`  poll after 1,000 hidden changes: ${poll.items.length} items, hasMore ${poll.hasMore}, ${ms(pollMs)}`);
    }
  } finally {
    await platform.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
