/**
 * The console's budget, measured in Debian's Chromium against a real server with the demo data:
 *   (a) the initial JavaScript of the search screen, gzipped: every script the browser loads from
 *       opening `/` until the search results are on screen (the sign-in page included), each
 *       compressed with gzip -9 as a server or proxy would send it. Budget: 300 KB.
 *   (b) the search screen interactive: from navigation start to the results table rendered with its
 *       controls enabled, for a signed-in user opening the page with an empty cache (new page each
 *       run, cache disabled). Median and worst of --runs. Budget: 1500 ms.
 *
 *   npm run build && node dist/bench/console-budget.js [--runs 7]
 *
 * With DATABASE_URL empty (the default) it runs on embedded PGlite in a temporary directory; with
 * DATABASE_URL set, on that database. Exits 1 when a budget is exceeded.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startServer } from '../src/app/server.js';
import { loadConfig } from '../src/config/app-config.js';
import { seedDemo } from '../src/demo/demo.js';

const BUDGET_KB = 300;
const BUDGET_MS = 1500;

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, chromium: { type: 'string', default: '/usr/bin/chromium' } } });
const runs = Math.max(1, Number(values.runs));

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'windward-console-bench-'));
const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'windward-console-bench-chromium-'));
const config = loadConfig({ ...process.env, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', DATA_DIR: dataDir, DATABASE_URL: process.env.DATABASE_URL ?? '' });
const server = await startServer(config, { worker: false });
let failed = false;
try {
  const demo = await seedDemo(server.app);
  const key = demo.credentials.find((c) => c.email === 'elo@jm.demo')!.apiKey;
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: values.chromium,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

  // (a) Scripts loaded from a cold start to the search results, sign-in included.
  const page = await browser.newPage();
  const scripts = new Map<string, Buffer>();
  page.on('response', async (response) => {
    if (response.request().resourceType() === 'script') scripts.set(response.url(), await response.body());
  });
  await page.goto(server.url);
  await page.locator('#apiKey').fill(key);
  await page.locator('#apiKey').press('Enter');
  await page.locator('table.results tbody tr').first().waitFor();
  await page.waitForLoadState('networkidle');
  let raw = 0;
  let gzipped = 0;
  for (const [url, body] of scripts) {
    const size = gzipSync(body, { level: 9 }).length;
    raw += body.length;
    gzipped += size;
    console.log(`  ${new URL(url).pathname}: ${(body.length / 1024).toFixed(1)} KB, ${(size / 1024).toFixed(1)} KB gzipped`);
  }
  const kb = gzipped / 1024;
  console.log(`(a) initial JavaScript of the search screen: ${scripts.size} files, ${(raw / 1024).toFixed(1)} KB, ${kb.toFixed(1)} KB gzipped (budget ${BUDGET_KB} KB)`);
  if (kb > BUDGET_KB) failed = true;
  await page.close();

  // (b) Interactive: the signed-in user opens the search screen with an empty cache.
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const tab = await browser.newPage();
    const cdp = await browser.newCDPSession(tab);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await tab.goto(`${server.url}/#/search`, { waitUntil: 'commit' });
    await tab.locator('table.results tbody tr').first().waitFor();
    await tab.locator('.table-wrap[aria-busy=false]').waitFor();
    await tab.getByRole('button', { name: 'Search', exact: true }).waitFor({ state: 'visible' });
    times.push(await tab.evaluate(() => performance.now()));
    await tab.close();
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`(b) search screen interactive (navigation start to results and controls ready), ${runs} runs: median ${median.toFixed(0)} ms, best ${times[0].toFixed(0)} ms, worst ${times[times.length - 1].toFixed(0)} ms (budget ${BUDGET_MS} ms)`);
  if (median > BUDGET_MS) failed = true;
  await browser.close();
} finally {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(userDataDir, { recursive: true, force: true });
}
console.log(failed ? 'console budget EXCEEDED' : 'console budget met');
process.exit(failed ? 1 : 0);
