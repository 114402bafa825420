/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { chromium, type BrowserContext, type Dialog, type Page } from 'playwright-core';
import { seedDemo } from '../../src/demo/demo.js';
import { SeizureLinkRequestAlerts } from '../../src/operations/seizure-link-request-alerts.js';
import { UsersService } from '../../src/users/users.service.js';
import { submitSeizure } from '../support/seizure-fixtures.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The console in a real Chromium (Debian's, installed by .ci/run) against a real server with the
 * demo data: one scenario per role, as users of different agencies. Every scenario saves
 * screenshots in artifacts/console-screenshots/ and runs axe-core on every screen it opens.
 */

const SHOTS = path.resolve('artifacts/console-screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

jest.setTimeout(180_000);

describe('the console in Chromium', () => {
  let platform: TestPlatform;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const keys = new Map<string, string>();
  /** Requests that left the server's origin, and CSP violations: both must stay empty. */
  const offOrigin: string[] = [];
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  /** Every confirmation is accepted, unless a test puts its own answer in (and this back). */
  const acceptDialog = (dialog: Dialog) => void dialog.accept();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    platform = await startTestPlatform({ worker: true });
    base = platform.server.url;
    const demo = await seedDemo(platform.server.app);
    for (const credential of demo.credentials) keys.set(credential.email, credential.apiKey);
    userDataDir = mkdtempSync(path.join(os.tmpdir(), 'windward-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      acceptDownloads: true,
      locale: 'en-GB',
      timezoneId: 'UTC',
      args: CHROMIUM_ARGS,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(20_000);
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(base) && !url.startsWith(base.replace(/^http/, 'ws')) && !/^(data|blob):/.test(url)) offOrigin.push(url);
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', acceptDialog);
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await platform?.stop();
  });

  afterEach(() => {
    const seen = { offOrigin: offOrigin.splice(0), cspViolations: cspViolations.splice(0), pageErrors: pageErrors.splice(0) };
    expect(seen).toEqual({ offOrigin: [], cspViolations: [], pageErrors: [] });
  });

  /** axe-core on the current screen (no serious or critical violation), then a screenshot. */
  async function screen(name: string, on: Page = page): Promise<void> {
    // Evaluated through the DevTools protocol: the page's CSP (rightly) forbids injecting a script.
    await on.evaluate(AXE);
    const violations = await on.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
      const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    });
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect({ screen: name, serious }).toEqual({ screen: name, serious: [] });
    await on.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
  }

  /**
   * A second person at another browser: a separate context (own cookies, so own session), watched
   * for off-origin requests, CSP violations and page errors like the first.
   */
  async function secondBrowser(email: string): Promise<{ page: Page; close(): Promise<void> }> {
    // The first context is persistent (it has no browser object to open a context on): launch another.
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const other = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true, locale: 'en-GB', timezoneId: 'UTC' });
    const second = await other.newPage();
    second.setDefaultTimeout(20_000);
    second.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(base) && !url.startsWith(base.replace(/^http/, 'ws')) && !/^(data|blob):/.test(url)) offOrigin.push(url);
    });
    second.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    second.on('pageerror', (error) => pageErrors.push(error.message));
    await second.goto(`${base}/#/search`);
    await second.locator('#apiKey').fill(keys.get(email)!);
    await second.locator('#apiKey').press('Enter');
    await second.getByTestId('who').filter({ hasText: email }).waitFor();
    return { page: second, close: () => browser.close() };
  }

  async function signInAs(email: string): Promise<void> {
    await page.goto(`${base}/#/search`);
    const signOut = page.getByRole('button', { name: 'Sign out' });
    if (await signOut.isVisible().catch(() => false)) {
      await signOut.click();
    }
    await page.locator('#apiKey').fill(keys.get(email)!);
    await page.locator('#apiKey').press('Enter');
    await page.getByTestId('who').filter({ hasText: email }).waitFor();
  }

  async function go(route: string, heading: string | RegExp): Promise<void> {
    await page.goto(`${base}/#/${route}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  /** Waits until the result table has the answer to the last search or page change. */
  async function settled(): Promise<void> {
    await page.locator('.table-wrap[aria-busy=false]').waitFor();
  }

  async function search(): Promise<void> {
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForTimeout(50);
    await settled();
  }

  async function resultCount(): Promise<number> {
    await settled();
    const status = page.getByTestId('result-count');
    await status.filter({ hasText: /\d/ }).waitFor();
    return Number((await status.innerText()).replace(/[^\d]/g, ''));
  }

  async function references(): Promise<string[]> {
    await page.locator('table.results tbody tr').first().waitFor();
    return page.locator('table.results tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-reference') ?? ''));
  }

  it('signs in with the keyboard alone, and the key is kept nowhere in the browser', async () => {
    await page.goto(base);
    await page.locator('#apiKey').waitFor();
    await screen('sign-in');
    // Tab to the key field, type, Enter.
    for (let i = 0; i < 6 && !(await page.locator('#apiKey').evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    await page.keyboard.type(keys.get('elo@jm.demo')!);
    await page.keyboard.press('Enter');
    await page.getByTestId('who').filter({ hasText: 'elo@jm.demo' }).waitFor();
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
    expect(stored).not.toContain('wwk_');
    expect(stored).not.toContain('ww_session'); // HttpOnly: invisible to scripts
    // Keyboard navigation through the menu: Tab to "Dashboard", Enter opens it.
    await page.locator('button.skip').focus();
    let onDashboard = false;
    for (let i = 0; i < 10 && !onDashboard; i++) {
      await page.keyboard.press('Tab');
      onDashboard = await page.evaluate(() => document.activeElement?.textContent === 'Dashboard');
    }
    expect(onDashboard).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  });

  it('ELO: two agencies see different results for the same search; withheld fields say so; CSV as this reader sees it', async () => {
    await signInAs('elo@jm.demo');
    await go('search', 'Search seizures');
    await page.locator('#f-commodity').selectOption(['DRUGS']);
    await search();
    const drugsCount = await resultCount();
    // AMBER: each agency's own, and what was released to it.
    await page.getByRole('checkbox', { name: 'TLP:AMBER', exact: true }).check();
    await search();
    const jmCount = await resultCount();
    const jmRefs = await references();
    await screen('elo-jm-search');

    // Back to all drug reports. A report of another agency: its coordinates and distribution are
    // withheld, never blank.
    await page.getByRole('checkbox', { name: 'TLP:AMBER', exact: true }).uncheck();
    await search();
    expect(await resultCount()).toBe(drugsCount);
    const foreign = page.locator('table.results tbody tr').filter({ hasNot: page.locator('td:nth-child(11):text-is("JM")') }).first();
    await expect(foreign.locator('td[data-field=coordinates] .withheld').innerText()).resolves.toBe('withheld');
    const own = page.locator('table.results tbody tr').filter({ has: page.locator('td:nth-child(11):text-is("JM")') }).first();
    await expect(own.locator('td[data-field=coordinates] .withheld').count()).resolves.toBe(0);

    // Export: every page of this result, with the same withheld marks.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toContain('Reference');
    expect(lines).toHaveLength(drugsCount + 1);
    expect(csv).toContain('[withheld]');
    expect(csv).not.toContain('undefined');

    // The same search as Cayman Islands.
    await signInAs('elo@ky.demo');
    await go('search', 'Search seizures');
    await page.locator('#f-commodity').selectOption(['DRUGS']);
    await page.getByRole('checkbox', { name: 'TLP:AMBER', exact: true }).check();
    await search();
    const kyCount = await resultCount();
    const kyRefs = await references();
    await screen('elo-ky-search');
    expect(kyCount).not.toBe(jmCount);
    expect(kyRefs).not.toEqual(jmRefs);
  });

  it('ELO: filters and cursor paging; a report opened shows what may be seen and withholds the nominal section', async () => {
    await signInAs('elo@jm.demo');
    await go('search', 'Search seizures');
    const all = await resultCount();
    const first = await references();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2').waitFor();
    await settled();
    const second = await references();
    expect(second.some((r) => first.includes(r))).toBe(false);
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('Page 1').waitFor();
    await settled();
    expect(await references()).toEqual(first);

    await page.locator('#f-countries').fill('JM');
    await page.locator('#f-from').fill('2026-01-01');
    await page.getByRole('checkbox', { name: 'TLP:GREEN' }).check();
    await search();
    const filtered = await resultCount();
    expect(filtered).toBeGreaterThan(0);
    expect(filtered).toBeLessThan(all);
    const countries = await page.locator('table.results tbody tr td:nth-child(4)').allInnerTexts();
    expect(new Set(countries)).toEqual(new Set(['JM']));
    await screen('elo-search-filtered');

    // Another agency's report: facts yes, nominal section withheld.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.locator('#f-agency').selectOption('TT');
    await search();
    await page.locator('table.results tbody tr a').first().click();
    await page.getByRole('heading', { level: 1, name: /Report DEMO-TT-/ }).waitFor();
    await expect(page.getByTestId('nominal-absent').innerText()).resolves.toBe('withheld');
    await expect(page.locator('#history-title + .withheld').count()).resolves.toBe(1);
    await expect(page.getByRole('heading', { name: 'Manage this report' }).count()).resolves.toBe(0);
    await screen('elo-detail-foreign');
  });

  it('ELO: a bad field is shown beside that field; a good report is submitted, released, updated and retracted', async () => {
    await signInAs('elo@jm.demo');
    await go('submit', 'Report a seizure');
    await screen('elo-submit');
    const reference = `CONSOLE-${Date.now().toString(36)}`;
    await page.locator('#s-reference').fill(reference);
    await page.locator('#s-seizedAt').fill('2026-10-01T08:30');
    await page.locator('#s-country').selectOption('JM');
    await page.locator('#s-commodity-category').selectOption('DRUGS');
    await page.locator('#s-quantity-value').fill('12.5');
    await page.locator('#s-location-name').fill('Port of Kingston');
    await page.locator('#s-location-latitude').fill('117.9');
    await page.locator('#s-location-longitude').fill('-76.8');
    await page.locator('#s-sensitive-narrative').fill('Consignee known to the unit');
    await page.getByRole('button', { name: 'Submit report' }).click();
    const error = page.locator('#s-location-latitude-error');
    await error.waitFor();
    expect(await error.innerText()).toMatch(/between -90 and 90/);
    await expect(page.locator('#s-location-latitude').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#s-location-latitude').getAttribute('aria-describedby')).resolves.toBe('s-location-latitude-error');
    // Only that field is marked.
    await expect(page.locator('.field-error').count()).resolves.toBe(1);
    await screen('elo-submit-field-error');

    await page.locator('#s-location-latitude').fill('17.97');
    await page.getByRole('button', { name: 'Submit report' }).click();
    await page.getByText(`Report ${reference} submitted.`).waitFor();
    await page.getByRole('link', { name: 'Open it' }).click();
    await page.getByRole('heading', { level: 1, name: `Report ${reference}` }).waitFor();
    await expect(page.getByTestId('nominal').innerText()).resolves.toContain('Consignee known to the unit');

    await page.locator('#r-agencies').selectOption(['KY']);
    await page.getByRole('button', { name: 'Release', exact: true }).click();
    await page.getByText('Report released.').waitFor();
    await page.locator('#u-concealment').fill('in a false floor');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Report updated.').waitFor();
    await page.locator('#history-title').scrollIntoViewIfNeeded();
    // Submitted, released, updated: the third version appears once the report is read again.
    await page.locator('section[aria-labelledby=history-title] tbody tr:nth-child(3)').waitFor();
    const history = await page.locator('section[aria-labelledby=history-title] tbody tr td:nth-child(2)').allInnerTexts();
    expect(history.length).toBeGreaterThanOrEqual(3);
    await screen('elo-detail-own');
    await page.locator('#x-reason').fill('Entered twice');
    await page.getByRole('button', { name: 'Retract report' }).click();
    await page.getByText('Report retracted.').waitFor();
    await page.getByText('Retracted — Entered twice').waitFor();
  });

  it('Everyone: the dashboard charts by country, commodity and month, and maps locations from shipped shapes', async () => {
    await signInAs('elo@jm.demo');
    await go('dashboard', 'Dashboard');
    await page.getByTestId('map').waitFor();
    expect(await page.locator('[data-testid=map] path.country').count()).toBeGreaterThan(100);
    expect(await page.locator('[data-testid=map] circle.point').count()).toBeGreaterThan(0);
    expect(await page.locator('svg.bars').count()).toBe(3);
    await screen('dashboard');
  });

  it('Everyone: a saved alert shows a live report from the subscription; webhooks list their deliveries', async () => {
    await signInAs('elo@ky.demo');
    await go('alerts', 'Alerts and webhooks');
    const marker = `live${Date.now().toString(36)}`;
    await page.locator('#a-name').fill('Cocaine live');
    await page.locator('#a-text').fill(marker);
    await page.getByRole('button', { name: 'Save alert' }).click();
    await page.getByRole('heading', { level: 3, name: 'Cocaine live' }).waitFor();
    // The screen subscribes as it opens; a report made before the server registered it is not
    // live news. So a report is made again (with the same words) until one arrives, three at most.
    const arrived = async (attempt: number): Promise<ReturnType<typeof page.locator>> => {
      const reported = await submitSeizure(platform, keys.get('elo@jm.demo')!, { tlp: 'CLEAR', commodity: { category: 'DRUGS', type: marker, description: 'cocaine' } });
      const line = page.getByTestId('feed').locator('li', { hasText: reported.reference });
      try {
        await line.waitFor({ timeout: 10_000 });
        return line;
      } catch (error) {
        if (attempt === 3) throw error;
        return arrived(attempt + 1);
      }
    };
    const item = await arrived(1);
    expect(await item.innerText()).toContain('Cocaine live');
    await screen('alerts-live');
  });

  it('JIO analyst and reviewer: compile with progress, four-eyes review (reject, rewrite, approve), then publish and download with signatures', async () => {
    await signInAs('analyst@jio.demo');
    await go('operations', 'Operations');
    await screen('analyst-operations');
    await page.getByRole('link', { name: 'CARIBBEAN SHIELD' }).click();
    await page.getByRole('heading', { level: 1, name: 'Operation CARIBBEAN SHIELD' }).waitFor();
    await screen('analyst-operation');
    await page.getByRole('button', { name: 'Compile a new report version' }).click();
    await page.getByRole('heading', { level: 1, name: /Operation report CARIBBEAN SHIELD, version/ }).waitFor();
    const reportRoute = new URL(page.url()).hash.slice(2);
    // Compiled: it awaits review, and nobody may publish it yet.
    await page.getByTestId('report-status').filter({ hasText: 'Ready' }).waitFor({ timeout: 90_000 });
    await expect(page.getByTestId('report-summary').innerText()).resolves.toContain('CARIBBEAN SHIELD');
    await expect(page.getByRole('button', { name: /Publish/ }).count()).resolves.toBe(0);
    await expect(page.getByTestId('report-marking').innerText()).resolves.toMatch(/TLP:(CLEAR|GREEN|AMBER)/);
    // What the compilation left out is for the compiling analyst only.
    await expect(page.getByTestId('report-withheld').innerText()).resolves.toMatch(/linked reports you may read/);
    await expect(page.getByTestId('report-history').innerText()).resolves.toContain('Compiled');
    await screen('analyst-report-preview');

    // The reviewer, at another browser: no narrative editor, no withheld summary; rejects with a comment.
    const reviewer = await secondBrowser('reviewer@jio.demo');
    try {
      const r = reviewer.page;
      await r.goto(`${base}/#/${reportRoute}`);
      await r.getByRole('heading', { level: 2, name: 'Review (second pair of eyes)' }).waitFor();
      await expect(r.getByTestId('report-withheld').count()).resolves.toBe(0);
      await expect(r.locator('#n-summary').count()).resolves.toBe(0);
      await screen('reviewer-report', r);
      await expect(r.getByRole('button', { name: 'Reject with this comment' }).isDisabled()).resolves.toBe(true);
      await r.locator('#review-comment').fill('Add an executive summary for the heads of administration.');
      await r.getByRole('button', { name: 'Reject with this comment' }).click();
      await r.getByTestId('report-status').filter({ hasText: 'Rejected' }).waitFor();

      // The analyst reads the comment, writes the narrative: the report awaits review again.
      await page.reload();
      await page.getByTestId('review-comment').filter({ hasText: 'Add an executive summary' }).waitFor();
      await page.locator('#n-summary').fill('Maritime cocaine seizures rose; Kingston and Port of Spain lead.');
      await page.locator('#n-assessment').fill('Expect displacement to container routes.');
      await page.getByRole('button', { name: 'Save the text' }).click();
      await page.getByText('Text saved; the report awaits review.').waitFor();
      await page.getByTestId('report-status').filter({ hasText: 'In review' }).waitFor();
      await screen('analyst-report-narrative');

      // The reviewer approves what the analyst wrote.
      await r.reload();
      await expect(r.locator('#n-summary').count()).resolves.toBe(0);
      await r.getByRole('button', { name: 'Approve for publication' }).click();
      await r.getByText('Report approved.').waitFor();
      await r.getByTestId('report-status').filter({ hasText: 'Approved' }).waitFor();
      // Four eyes: the reviewer does not publish.
      await expect(r.getByRole('button', { name: /Publish/ }).count()).resolves.toBe(0);
      await expect(r.getByTestId('report-history').innerText()).resolves.toMatch(/Rejected[\s\S]*Text written[\s\S]*Approved/);
      await screen('reviewer-report-approved', r);
    } finally {
      await reviewer.close();
    }

    await page.reload();
    const publish = page.getByRole('button', { name: /Publish/ });
    await publish.click();
    await page.getByTestId('report-status').filter({ hasText: 'Published' }).waitFor();
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.locator('[data-download=pdf]').click()]);
    expect(readFileSync((await pdf.path())!).subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.suggestedFilename()).toMatch(/^caribbean-shield-report-v\d+\.pdf$/);
    const [pdfSignature] = await Promise.all([page.waitForEvent('download'), page.locator('[data-download="pdf.asc"]').click()]);
    expect(readFileSync((await pdfSignature.path())!, 'utf8')).toContain('-----BEGIN PGP SIGNATURE-----');
    expect(pdfSignature.suggestedFilename()).toBe(`${pdf.suggestedFilename()}.asc`);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('[data-download=csv]').click()]);
    expect(readFileSync((await csv.path())!, 'utf8').length).toBeGreaterThan(100);
    const [md] = await Promise.all([page.waitForEvent('download'), page.locator('[data-download=md]').click()]);
    const markdown = readFileSync((await md.path())!, 'utf8');
    expect(markdown).toContain('CARIBBEAN SHIELD');
    expect(markdown).toContain('Maritime cocaine seizures rose');
    const [mdSignature] = await Promise.all([page.waitForEvent('download'), page.locator('[data-download="md.asc"]').click()]);
    expect(readFileSync((await mdSignature.path())!, 'utf8')).toContain('-----BEGIN PGP SIGNATURE-----');
    await expect(page.getByTestId('report-history').innerText()).resolves.toContain('Published');
    await screen('analyst-report-published');
  });

  it("JIO analyst: creates an operation, links its own agency's report, asks another agency for one; that agency's ELO accepts in the console", async () => {
    await signInAs('analyst@jio.demo');
    await go('operations', 'Operations');
    const codeName = `OP ${Date.now().toString(36).toUpperCase()}`;
    await page.locator('#o-codeName').fill(codeName);
    await page.locator('#o-focus').fill('Cocaine by sea');
    await page.locator('#o-startsAt').fill('2026-09-01');
    await page.locator('#o-endsAt').fill('2026-12-31');
    await page.locator('#o-participants').selectOption(['JM', 'TT']);
    await page.getByRole('button', { name: 'Create operation' }).click();
    await page.getByRole('heading', { level: 1, name: `Operation ${codeName}` }).waitFor();
    const operationId = new URL(page.url()).hash.split('/').pop()!;
    await page.getByRole('button', { name: 'Move to Active' }).click();
    await page.getByTestId('operation-status').filter({ hasText: 'Active' }).waitFor();

    // The lead's own report: linked at once (the owner's act).
    const own = await submitSeizure(platform, keys.get('analyst@jio.demo')!, { tlp: 'GREEN' });
    await page.locator('#op-link').fill(own.reference);
    await page.getByRole('button', { name: 'Link', exact: true }).click();
    await page.getByText('Seizure linked.').waitFor();
    await page.getByRole('link', { name: own.reference }).waitFor();

    // Another agency's report: the analyst asks; nothing is linked yet.
    const jm = await submitSeizure(platform, keys.get('elo@jm.demo')!, { tlp: 'GREEN' });
    await page.locator('#op-link').fill(jm.reference);
    await page.locator('#op-link-note').fill('Same vessel as the Kingston case');
    await page.getByRole('button', { name: 'Link', exact: true }).click();
    await page.getByText('Link requested: JM decides (request Pending).').waitFor();
    await expect(page.getByRole('link', { name: jm.reference }).count()).resolves.toBe(0);
    await screen('analyst-operation-requested');

    // JM's ELO sees the request, and a second one arrives live while the screen is open.
    await signInAs('elo@jm.demo');
    await go('links', 'Link requests');
    const row = page.locator(`tr[data-reference="${jm.reference}"]`);
    await expect(row.innerText()).resolves.toContain('Same vessel as the Kingston case');
    // The alert goes to the subscriptions open when the request is made: wait for the screen's.
    const jmElo = (await platform.gql<{ me: { userId: string } }>(keys.get('elo@jm.demo')!, '{ me { userId } }')).data!.me.userId;
    const linkAlerts = platform.server.app.get(SeizureLinkRequestAlerts, { strict: false });
    await waitFor('the link request subscription to be registered', () => linkAlerts.subscriptionsOf(jmElo) > 0, 20_000);
    const second = await submitSeizure(platform, keys.get('elo@jm.demo')!, { tlp: 'GREEN' });
    const asked = await platform.gql(keys.get('analyst@jio.demo')!, 'mutation($o: ID!, $s: ID!) { requestSeizureLink(operationId: $o, seizureId: $s, note: "Crew overlap") { id status } }', { o: operationId, s: second.id });
    expect(asked.errors).toBeUndefined();
    await page.getByTestId('link-alert').filter({ hasText: `New request from JIO for ${second.reference}` }).waitFor({ timeout: 30_000 });
    await page.locator(`tr[data-reference="${second.reference}"]`).waitFor();
    await screen('elo-link-requests');
    await page.getByRole('button', { name: `Accept the request for ${jm.reference}` }).click();
    await page.getByText('Request accepted: the report is linked.').waitFor();
    await page.getByRole('button', { name: `Decline the request for ${second.reference}` }).click();
    await page.getByText('Request declined: nothing is linked.').waitFor();
    await page.getByTestId('links-empty').waitFor();
    // The report now shows its operation, and that JM consented.
    await page.goto(`${base}/#/seizure/${jm.id}`);
    await page.getByRole('heading', { level: 1, name: `Report ${jm.reference}` }).waitFor();
    await expect(page.getByTestId('operation-link').innerText()).resolves.toContain('link request accepted by JM');
    await screen('elo-detail-linked');

    // Back to the analyst: the accepted report is in the operation, the declined one is not.
    await signInAs('analyst@jio.demo');
    await go(`operation/${operationId}`, `Operation ${codeName}`);
    await page.getByRole('link', { name: jm.reference }).waitFor();
    await expect(page.getByRole('link', { name: second.reference }).count()).resolves.toBe(0);
    await screen('analyst-operation-new');
  });

  it('Agency admin: issues and revokes an API key, sees the keys and the audit trail of its reports', async () => {
    await signInAs('admin@jm.demo');
    await go('users', 'Users and API keys');
    const elo = page.getByRole('region', { name: 'elo@jm.demo' });
    await elo.getByRole('button', { name: 'New API key for elo@jm.demo' }).click();
    const newKey = await page.getByTestId('new-key').innerText();
    expect((await platform.gql(newKey, '{ me { email } }')).data).toEqual({ me: { email: 'elo@jm.demo' } });
    const prefix = newKey.slice(0, 12);
    await screen('admin-users');
    const revoke = elo.getByRole('button', { name: `Revoke key ${prefix}` });
    await revoke.click();
    await page.getByText('API key revoked.').waitFor();
    // The list is read again after the notice: the button goes once the server says revoked.
    await revoke.waitFor({ state: 'detached' });
    await elo.locator('tr', { hasText: prefix }).getByTestId('api-key-status').filter({ hasText: 'Revoked' }).waitFor();
    const refused = await platform.gql(newKey, '{ me { email } }');
    expect(refused.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    await screen('admin-users-revoked');

    await go('keys', 'OpenPGP keys of JM');
    await screen('admin-agency-keys');

    await go('audit', 'Audit trail of JM reports');
    await page.locator('ul.plain button').first().click();
    await page.getByTestId('audit-table').waitFor();
    expect(await page.locator('[data-testid=audit-table] tbody tr').count()).toBeGreaterThan(0);
    await screen('admin-audit');
  });

  it("Agency admin: sees the agency's alerts as the API gives them and stops one once confirmed; its owner is told an administrator stopped it", async () => {
    const marker = `offboard${Date.now().toString(36)}`;
    const create = async (email: string, name: string, webhookUrl: string | null) => {
      const created = await platform.gql<{ createAlert: { id: string } }>(keys.get(email)!, 'mutation($input: AlertInput!) { createAlert(input: $input) { id } }', {
        input: { name, filter: { text: marker }, webhookUrl },
      });
      expect(created.errors).toBeUndefined();
      return created.data!.createAlert.id;
    };
    const name = `Departing ${marker}`;
    const alertId = await create('elo@jm.demo', name, `https://hooks.example.org/jm/${marker}?token=${marker}`);
    await create('elo@ky.demo', `Other agency ${marker}`, null);

    // Only the roles that may call agencyAlerts get the screen in the menu.
    await signInAs('elo@jm.demo');
    await expect(page.getByRole('link', { name: 'Agency alerts' }).count()).resolves.toBe(0);

    await signInAs('admin@jm.demo');
    await page.getByRole('link', { name: 'Agency alerts' }).click();
    await page.getByRole('heading', { level: 1, name: 'Alerts made in JM' }).waitFor();
    const row = page.locator(`tr[data-alert-id="${alertId}"]`);
    await row.waitFor();
    expect(await row.locator('td').allInnerTexts()).toEqual([
      'elo@jm.demo', name, 'JM', expect.stringMatching(/UTC$/), 'hooks.example.org', 'Yes', 'No', 'Yes', `Stop alert ${name} of elo@jm.demo`,
    ]);
    // Not another agency's alert; nothing of the filter or the rest of the webhook URL.
    await expect(page.getByText(`Other agency ${marker}`).count()).resolves.toBe(0);
    expect(await page.locator('main').innerText()).not.toContain(`/jm/${marker}`);
    await screen('admin-agency-alerts');

    // Declined: nothing is stopped.
    const stop = row.getByRole('button', { name: `Stop alert ${name} of elo@jm.demo` });
    const asked: string[] = [];
    page.off('dialog', acceptDialog);
    try {
      page.once('dialog', (dialog) => { asked.push(dialog.message()); void dialog.dismiss(); });
      await stop.click();
      await waitFor('the confirmation to be answered', () => asked.length === 1, 10_000);
      expect(asked[0]).toContain(`Stop the alert “${name}” of elo@jm.demo?`);
      const own = await platform.gql<{ alerts: { id: string }[] }>(keys.get('elo@jm.demo')!, '{ alerts { id } }');
      expect(own.data!.alerts.map((a) => a.id)).toContain(alertId);
      // Confirmed: stopped.
      page.once('dialog', (dialog) => { asked.push(dialog.message()); void dialog.accept(); });
      await stop.click();
      await page.getByText(`Alert “${name}” stopped.`).waitFor();
    } finally {
      page.on('dialog', acceptDialog);
    }
    expect(asked).toHaveLength(2);
    // Gone from the running list; there with the stopped ones, as the API says.
    await row.waitFor({ state: 'detached' });
    await page.getByLabel('Include stopped alerts').check();
    await row.waitFor();
    expect(await row.locator('td[data-field]').allInnerTexts()).toEqual(['No', 'No', 'No']);
    await expect(row.getByRole('button').count()).resolves.toBe(0);
    await screen('admin-agency-alerts-stopped');

    // The owner sees it stopped, by their agency's administrator, and when; not which one.
    await signInAs('elo@jm.demo');
    await go('alerts', 'Alerts and webhooks');
    const stopped = page.getByRole('region', { name });
    await stopped.getByTestId('alert-stopped').waitFor();
    expect(await stopped.getByTestId('alert-stopped').innerText()).toMatch(/^Stopped by your agency's administrator on .+ UTC\.$/);
    expect(await page.locator('main').innerText()).not.toContain('admin@jm.demo');
    await expect(stopped.getByRole('button').count()).resolves.toBe(0);
    await stopped.scrollIntoViewIfNeeded();
    await screen('alerts-stopped-by-admin');

    // A platform administrator picks the agency.
    await signInAs('platform@wco.demo');
    await go('agency-alerts', 'Alerts of every agency');
    await page.getByLabel('Agency', { exact: true }).fill('jm');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByLabel('Include stopped alerts').check();
    await row.waitFor();
    await expect(page.getByText(`Other agency ${marker}`).count()).resolves.toBe(0);
    await screen('platform-agency-alerts');

    // An owner who moved agency is told where each alert was made (the only agency it fires in),
    // and that an administrator of that agency, not of theirs now, stopped one.
    const mover = await platform.userWithKey('KY', ['ELO']);
    keys.set(mover.email, mover.key);
    const kept = `Made in KY ${marker}`;
    const stoppedThere = `Stopped in KY ${marker}`;
    await create(mover.email, kept, null);
    const stoppedId = await create(mover.email, stoppedThere, null);
    await platform.server.app.get(UsersService).update(mover.email, { agencyCode: 'TT' });
    const kyAdmin = await platform.userWithKey('KY', ['AGENCY_ADMIN']);
    expect((await platform.gql(kyAdmin.key, 'mutation($id: ID!) { stopAgencyAlert(id: $id) { id } }', { id: stoppedId })).errors).toBeUndefined();
    await signInAs(mover.email);
    await go('alerts', 'Alerts and webhooks');
    const other = page.getByRole('region', { name: kept }).getByTestId('alert-other-agency');
    await other.waitFor();
    expect(await other.innerText()).toBe('Made in KY: it fires only for a member of that agency, so not while you belong to another.');
    const stoppedNotice = page.getByRole('region', { name: stoppedThere }).getByTestId('alert-stopped');
    expect(await stoppedNotice.innerText()).toMatch(/^Stopped by an administrator of KY, where you made it, on .+ UTC\.$/);
    await expect(page.getByText("your agency's administrator").count()).resolves.toBe(0);

    // The next report checked against their alerts marks the one made in KY broken, and the screen gives the reason.
    await submitSeizure(platform, keys.get('elo@jm.demo')!, { tlp: 'CLEAR', commodity: { category: 'DRUGS', type: marker } });
    const brokenReason = async () => {
      const own = await platform.gql<{ alerts: { name: string; brokenReason: string | null }[] }>(mover.key, '{ alerts { name brokenReason } }');
      return own.data!.alerts.find((alert) => alert.name === kept)?.brokenReason ?? null;
    };
    await waitFor('the alert made in KY to be marked broken', brokenReason, 30_000);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Alerts and webhooks' }).waitFor();
    const broken = page.getByRole('region', { name: kept }).getByTestId('alert-broken');
    await broken.waitFor();
    expect(await broken.innerText()).toBe('Not firing — You have moved to another agency since this alert was made: make it again');
  });

  it('speaks Spanish and French, with dates and numbers in the locale', async () => {
    await signInAs('elo@jm.demo');
    await go('search', 'Search seizures');
    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('heading', { level: 1, name: 'Buscar incautaciones' }).waitFor();
    await page.getByTestId('result-count').filter({ hasText: 'informes' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('es');
    await screen('search-es');
    await page.getByLabel('Idioma').selectOption('fr');
    await page.getByRole('heading', { level: 1, name: 'Rechercher des saisies' }).waitFor();
    // French dates: "27 oct. 2026"-style, not "Oct 27, 2026".
    expect(await page.locator('table.results tbody tr td:nth-child(2)').first().innerText()).toMatch(/^\d{1,2} \p{L}+\.? \d{4}$/u);
    await go('dashboard', 'Tableau de bord');
    await page.getByTestId('map').waitFor();
    await screen('dashboard-fr');
    await page.getByLabel('Langue').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  });

  it('signing out ends the session: the page returns to sign-in and the old session is refused', async () => {
    await signInAs('elo@tt.demo');
    await go('search', 'Search seizures');
    const cookies = await context.cookies(base);
    const session = cookies.find((c) => c.name === 'ww_session')!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Strict');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#apiKey').waitFor();
    const replay = await platform.http().get('/session').set('cookie', `ww_session=${session.value}`);
    expect(replay.status).toBe(401);
  });
});
