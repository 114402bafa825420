import TestSequencer from '@jest/test-sequencer';

/**
 * Jest orders files by their last recorded durations, but a fresh clone (CI) has none, and then
 * orders by file size: a three-minute file could start last and leave one worker running alone at
 * the end. These files are the slowest (durations from .ci/run on this 2-core machine), so they
 * start first; every other file keeps Jest's own order after them.
 */
const SLOWEST_FIRST = [
  'test/e2e/durability.e2e-spec.ts',
  'test/medium/access-property.medium-spec.ts',
  'test/e2e/cli.e2e-spec.ts',
  'test/medium/report-audience-property.medium-spec.ts',
  'test/e2e/console-browser.e2e-spec.ts',
  'test/e2e/alerts.e2e-spec.ts',
  'test/e2e/demo.e2e-spec.ts',
  'test/e2e/stats-aggregates-property.e2e-spec.ts',
  'test/e2e/fuzz/schema-fuzz.e2e-spec.ts',
  'test/e2e/operation-report-review.e2e-spec.ts',
  'test/e2e/federation.e2e-spec.ts',
];

export default class SlowestFirstSequencer extends TestSequencer {
  async sort(tests) {
    const jestOrder = await super.sort(tests);
    const rank = (test) => {
      const index = SLOWEST_FIRST.findIndex((file) => test.path.endsWith(file));
      return index === -1 ? SLOWEST_FIRST.length : index;
    };
    return [...jestOrder].sort((a, b) => rank(a) - rank(b));
  }
}
