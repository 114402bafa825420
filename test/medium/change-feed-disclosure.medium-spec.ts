import type { DataSource } from 'typeorm';
import { AccessService } from '../../src/access/access.service.js';
import type { RequestContext } from '../../src/access/request-context.js';
import { AuthenticationService } from '../../src/auth/authentication.service.js';
import { ChangeFeedService, type FeedPage } from '../../src/federation/change-feed.service.js';
import { FEED_CURSOR_KEY } from '../../src/federation/feed-cursor.js';
import { PlatformKeyService } from '../../src/keys/platform-key.service.js';
import { PlatformSecretEntity } from '../../src/keys/platform-secret.entity.js';
import { PlatformSecrets } from '../../src/keys/platform-secrets.service.js';
import type { SeizureInput, SeizureUpdateInput } from '../../src/seizures/api/seizure.inputs.js';
import { SeizureSubmissionService } from '../../src/seizures/write/seizure-submission.service.js';
import { UserEntity } from '../../src/users/user.entity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The change feed tells a reader nothing about the changes it is not shown: not through a page's
 * size, not through `hasMore`, not through its cursor, and not by repeating a report once per change
 * it went through while hidden. A KY officer reads while JM reports, amends and releases; the pages
 * KY gets are exactly those a log holding only KY's changes would give.
 */
describe('change feed: what a reader is not shown leaves no trace in what it is given', () => {
  let platform: TestApp;
  let dataSource: DataSource;
  let feed: ChangeFeedService;
  let submissions: SeizureSubmissionService;
  let jm: RequestContext;
  let ky: RequestContext;
  let kyColleague: RequestContext;
  let serial = 0;

  async function contextOf(agency: string, roles: string[]): Promise<RequestContext> {
    const { userId } = await platform.userWithKey(agency, roles);
    const user = await dataSource.getRepository(UserEntity).findOneByOrFail({ id: userId });
    const principal = await platform.server.app.get(AuthenticationService).principalFor(user, 'api-key');
    return { principal, ability: await platform.server.app.get(AccessService).abilityFor(principal), requestId: 'feed-disclosure' };
  }

  beforeAll(async () => {
    platform = await startTestApp();
    dataSource = platform.server.runtime.dataSource;
    feed = platform.server.app.get(ChangeFeedService, { strict: false });
    submissions = platform.server.app.get(SeizureSubmissionService, { strict: false });
    jm = await contextOf('JM', ['ELO']);
    ky = await contextOf('KY', ['ELO']);
    kyColleague = await contextOf('KY', ['ELO']);
    // The log's positions cross from five digits to six among the first test's visible changes
    // (99998, then 1000xx), so that an order or a comparison made on their text instead of their
    // number shows (it did once: an ORDER BY that named the text column).
    await dataSource.query("SELECT setval(pg_get_serial_sequence('seizure_changes', 'seq'), 99980)");
  });
  afterAll(() => platform?.stop());

  /** A JM report: AMBER for JM alone is hidden from KY, GREEN is read across CCLEC. */
  async function report(tlp: 'GREEN' | 'AMBER'): Promise<string> {
    serial += 1;
    const input = {
      reference: `CFD-${serial}`, tlp, releasableTo: [], seizedAt: new Date(Date.UTC(2026, 10, serial)), country: 'JM', transportMode: 'SEA',
      commodity: { category: 'FIREARMS' }, quantity: { value: serial, unit: 'ITEMS' }, detectionMethod: 'RANDOM', serverBlind: false,
    } as unknown as SeizureInput;
    return (await submissions.submit(jm, input)).id;
  }
  const amend = (id: string, concealment: string) => submissions.update(jm, id, { concealment } as SeizureUpdateInput);
  /** Takes a report out of KY's sight: JM's own, no release. */
  const hide = (id: string) => submissions.update(jm, id, { tlp: 'AMBER_STRICT', releasableTo: [] } as unknown as SeizureUpdateInput);

  /** Every page from `after` with pages of `first`, until one says nothing more is waiting. */
  async function pages(reader: RequestContext, after: string, first: number): Promise<FeedPage[]> {
    const seen: FeedPage[] = [];
    let cursor = after;
    for (;;) {
      const page = await feed.page(reader, cursor, first);
      seen.push(page);
      if (!page.hasMore) return seen;
      cursor = page.cursor;
    }
  }
  const shape = (seen: FeedPage[]) => seen.map((page) => ({ items: page.items.map((item) => `${item.kind} ${item.seizureId}`), hasMore: page.hasMore }));

  it('gives the pages a log of only the visible changes would give, one item per report at its latest change', async () => {
    const start = await feed.cursorAtEnd(ky);
    const hiddenA = await report('AMBER');
    const visibleA = await report('GREEN');
    const hiddenB = await report('AMBER');
    for (let i = 0; i < 5; i += 1) await amend(hiddenB, `hidden change ${i}`); // changes KY must not be able to count
    const visibleB = await report('GREEN');
    await amend(hiddenA, 'changed while hidden');
    await amend(hiddenA, 'changed again while hidden');
    await submissions.release(jm, hiddenA, ['KY']); // now KY reads it: once, not once per earlier change
    await amend(visibleA, 'a change KY sees'); // visibleA's latest change now comes after visibleB's
    for (let i = 0; i < 4; i += 1) await report('AMBER'); // hidden changes after the last visible one

    const expected = [`UPSERT ${visibleB}`, `UPSERT ${hiddenA}`, `UPSERT ${visibleA}`];
    // One at a time: each page holds one change while more are waiting, and the last says so.
    expect(shape(await pages(ky, start, 1))).toEqual([
      { items: [expected[0]], hasMore: true },
      { items: [expected[1]], hasMore: true },
      { items: [expected[2]], hasMore: false },
    ]);
    // Two at a time and all at once: the same changes in the same order.
    expect(shape(await pages(ky, start, 2))).toEqual([{ items: expected.slice(0, 2), hasMore: true }, { items: expected.slice(2), hasMore: false }]);
    expect(shape(await pages(ky, start, 100))).toEqual([{ items: expected, hasMore: false }]);
    expect(shape(await pages(ky, start, 3))).toEqual([{ items: expected, hasMore: false }]);
    expect(hiddenB).toBeDefined();
  });

  it('moves past hidden changes without saying so: the next poll is empty, then brings only the next visible change', async () => {
    const [last] = (await pages(ky, await feed.cursorAtEnd(ky), 100)).slice(-1);
    const hidden = await report('AMBER');
    await amend(hidden, 'hidden');
    const quiet = await feed.page(ky, last.cursor, 1);
    expect({ items: quiet.items, hasMore: quiet.hasMore }).toEqual({ items: [], hasMore: false });
    const visible = await report('GREEN');
    await report('AMBER');
    expect(shape([await feed.page(ky, quiet.cursor, 1)])).toEqual([{ items: [`UPSERT ${visible}`], hasMore: false }]);
  });

  it('sends a REMOVE once: not again while the report changes hidden, again to a reader paging from before it', async () => {
    const start = await feed.cursorAtEnd(ky);
    const id = await report('GREEN');
    const shownPage = await feed.page(ky, start, 10);
    expect(shape([shownPage])).toEqual([{ items: [`UPSERT ${id}`], hasMore: false }]);

    await hide(id);
    const removedPage = await feed.page(ky, shownPage.cursor, 10);
    expect(shape([removedPage])).toEqual([{ items: [`REMOVE ${id}`], hasMore: false }]);
    await amend(id, 'changed while hidden');
    await amend(id, 'and again');
    // Past the REMOVE: nothing, though the report changed twice.
    expect(shape([await feed.page(ky, removedPage.cursor, 10)])).toEqual([{ items: [], hasMore: false }]);
    // A reader that did not keep the REMOVE's page pages again from before it, and is told again.
    expect(shape([await feed.page(ky, shownPage.cursor, 10)])).toEqual([{ items: [`REMOVE ${id}`], hasMore: false }]);

    // Shown again, then hidden again: one UPSERT, then one REMOVE.
    await submissions.release(jm, id, ['KY']);
    const again = await feed.page(ky, removedPage.cursor, 10);
    expect(shape([again])).toEqual([{ items: [`UPSERT ${id}`], hasMore: false }]);
    await submissions.update(jm, id, { releasableTo: [] } as unknown as SeizureUpdateInput);
    expect(shape([await feed.page(ky, again.cursor, 10)])).toEqual([{ items: [`REMOVE ${id}`], hasMore: false }]);
  });

  it('sends the REMOVE again to a reader paging from before it, however the page boundaries fall and the report changes since', async () => {
    const start = await feed.cursorAtEnd(ky);
    const hidden = await report('GREEN');
    const other = await report('GREEN');
    const shownPage = await feed.page(ky, start, 10);
    expect(shape([shownPage])).toEqual([{ items: [`UPSERT ${hidden}`, `UPSERT ${other}`], hasMore: false }]);
    await hide(hidden);
    await amend(other, 'a visible change');
    // This page is lost on its way to the reader...
    expect(shape([await feed.page(ky, shownPage.cursor, 10)])).toEqual([{ items: [`REMOVE ${hidden}`, `UPSERT ${other}`], hasMore: false }]);
    // ...the report changes again while hidden, and the reader pages again from where it was, one at a time.
    await amend(hidden, 'changed while hidden');
    expect(shape(await pages(ky, shownPage.cursor, 1))).toEqual([
      { items: [`REMOVE ${hidden}`], hasMore: true },
      { items: [`UPSERT ${other}`], hasMore: false },
    ]);
  });

  it('sends a REMOVE at the change that hid the report, not at a later one made while hidden', async () => {
    const start = await feed.cursorAtEnd(ky);
    const id = await report('GREEN');
    const before = await report('GREEN');
    const shownPage = await feed.page(ky, start, 10);
    expect(shape([shownPage])).toEqual([{ items: [`UPSERT ${id}`, `UPSERT ${before}`], hasMore: false }]);
    await hide(id);
    const between = await report('GREEN');
    await amend(id, 'amended while hidden'); // KY must not learn when
    const after = await report('GREEN');
    const changes = (await dataSource.query('SELECT seq::text AS seq, at FROM seizure_changes WHERE seizure_id = $1 ORDER BY seq', [id])) as { seq: string; at: Date }[];
    const hiding = changes.at(-2)!;

    // Among the visible changes, where the hiding change was; with its time. Paged all at once and one at a time alike.
    for (const first of [10, 1]) {
      const seen = await pages(ky, shownPage.cursor, first);
      expect(seen.flatMap((page) => page.items.map((item) => `${item.kind} ${item.seizureId}`))).toEqual([`REMOVE ${id}`, `UPSERT ${between}`, `UPSERT ${after}`]);
      const removal = seen.flatMap((page) => page.items).find((item) => item.kind === 'REMOVE')!;
      expect(new Date(removal.at).getTime()).toBe(hiding.at.getTime());
    }
  });

  it('records deliveries only forwards: a slower request cannot overwrite a later one', async () => {
    const id = await report('GREEN');
    const readerId = ky.principal.userId;
    type Recorder = { recordDeliveries(ctx: RequestContext, readerId: string, delivered: { seizureId: string; seq: string; kind: string }[], shown: unknown[]): Promise<void> };
    const record = (seq: string, kind: string) => (feed as unknown as Recorder).recordDeliveries(ky, readerId, [{ seizureId: id, seq, kind }], []);
    const stored = async () => (await dataSource.query('SELECT last_seq::text AS seq, last_kind AS kind FROM feed_disclosures WHERE reader_id = $1 AND seizure_id = $2', [readerId, id])) as { seq: string; kind: string }[];
    await record('1000000', 'UPSERT');
    await record('999999', 'REMOVE'); // computed earlier, written later
    expect(await stored()).toEqual([{ seq: '1000000', kind: 'UPSERT' }]);
    await record('1000001', 'REMOVE');
    expect(await stored()).toEqual([{ seq: '1000001', kind: 'REMOVE' }]);
  });

  it('seals its cursor: unreadable, different each time for the same position, only for its reader', async () => {
    const start = await feed.cursorAtEnd(ky);
    const visible = await report('GREEN');
    const once = await feed.page(ky, start, 10);
    const twice = await feed.page(ky, start, 10);
    expect(twice.cursor).not.toBe(once.cursor); // the same position, sealed afresh
    // No position in clear, in any spelling. (Not "no two digits": random ciphertext holds those by chance.)
    const [{ head }] = (await dataSource.query('SELECT max(seq)::text AS head FROM seizure_changes')) as { head: string }[];
    const clear = Buffer.from(once.cursor, 'base64url').toString('latin1');
    for (const spelling of [head, BigInt(head).toString(16), BigInt(head).toString(16).padStart(16, '0')]) {
      expect(clear).not.toContain(spelling);
    }
    for (const cursor of [once.cursor, twice.cursor]) {
      expect((await feed.page(ky, start, 10)).items.map((item) => item.seizureId)).toEqual([visible]);
      await expect(feed.page(ky, cursor, 10)).resolves.toMatchObject({ items: [], hasMore: false });
    }

    // Another reader, even of the same agency, cannot page with it.
    await expect(feed.page(kyColleague, once.cursor, 10)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: ['after'] } });
    // Nor can a changed cursor or one written by hand, the old readable form included.
    const bytes = Buffer.from(once.cursor, 'base64url');
    bytes[bytes.length - 1] ^= 1;
    await expect(feed.page(ky, bytes.toString('base64url'), 10)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    const handWritten = Buffer.from('seq:1', 'utf8').toString('base64url');
    await expect(feed.page(ky, handWritten, 10)).rejects.toThrow(/page again from the start \(after: null\)/);
    await expect(feed.page(ky, 'x'.repeat(500), 10)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('keeps its cursor key in the database, sealed: another process (a replica, a restart) opens the same one', async () => {
    const mine = await platform.server.app.get(PlatformSecrets).key(FEED_CURSOR_KEY);
    const another = new PlatformSecrets(platform.server.app.get(PlatformKeyService), dataSource.getRepository(PlatformSecretEntity));
    expect((await another.key(FEED_CURSOR_KEY)).equals(mine)).toBe(true);
    const [row] = await dataSource.getRepository(PlatformSecretEntity).findBy({ purpose: FEED_CURSOR_KEY });
    expect(row.sealed.startsWith('sb1:')).toBe(true);
    expect(row.sealed).not.toContain(mine.toString('base64url'));
  });
});
