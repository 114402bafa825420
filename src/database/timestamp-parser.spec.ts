import fc from 'fast-check';
import pg from 'pg';
import { parseTimestamptz, TIMESTAMPTZ_OID } from './timestamp-parser.js';

const driver = pg.types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => unknown;
const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** The same answer as the driver's parser: a Date with the same time, or the same fallback value. */
function expectSameAsDriver(text: string): void {
  const ours = parseTimestamptz(text);
  const theirs = driver(text);
  if (theirs instanceof Date) {
    expect(ours).toBeInstanceOf(Date);
    expect({ text, time: (ours as Date).getTime() }).toEqual({ text, time: theirs.getTime() });
  } else {
    expect(ours).toEqual(theirs);
  }
}

describe('parseTimestamptz', () => {
  it('reads what PostgreSQL writes exactly as the driver does, fractions and offsets included', () => {
    const timestamp = fc.record({
      year: fc.integer({ min: 1, max: 9999 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      second: fc.integer({ min: 0, max: 59 }),
      fraction: fc.oneof(fc.constant(''), fc.stringMatching(/^[0-9]{1,6}$/).map((digits) => `.${digits}`)),
      offset: fc.constantFrom('+00', '-05', '+05:30', '-09:30', '+14', '-12', '+00:00', '+05:45'),
      bc: fc.oneof({ arbitrary: fc.constant(''), weight: 9 }, { arbitrary: fc.constant(' BC'), weight: 1 }),
    });
    fc.assert(
      fc.property(timestamp, (t) => {
        expectSameAsDriver(`${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)} ${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}${t.fraction}${t.offset}${t.bc}`);
      }),
      { numRuns: 5000, seed: 20261124 },
    );
  });

  it.each(['infinity', '-infinity', '2026-03-05 12:34:56+05:30:15', '12026-03-05 12:34:56+00', '2026-03-05 12:34:56.+00', '2026-03-05', 'garbage'])(
    'leaves anything else to the driver: %s',
    (text) => expectSameAsDriver(text),
  );

  it('keeps milliseconds and drops microseconds, as Date must', () => {
    expect((parseTimestamptz('2026-11-24 06:50:00.291999+00') as Date).toISOString()).toBe('2026-11-24T06:50:00.291Z');
    expect((parseTimestamptz('2026-11-24 01:20:00.5-05:30') as Date).toISOString()).toBe('2026-11-24T06:50:00.500Z');
  });
});
