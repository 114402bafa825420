import { aggregatedMonths } from './seizure-stats-aggregates.js';

describe('aggregatedMonths', () => {
  it('takes the whole months nearest to the bounds', () => {
    expect(aggregatedMonths(new Date('2026-03-02T00:00:00Z'), new Date('2026-05-30T23:59:59.999Z'))).toEqual({
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-06-01T00:00:00Z'),
    });
  });

  it('never names a month after year 9999, which PostgreSQL cannot read', () => {
    const months = aggregatedMonths(new Date('9999-11-15T00:00:00Z'), new Date('9999-12-31T23:59:59.999Z'));
    expect(months).toEqual({ from: new Date('9999-11-01T00:00:00Z'), to: null });
    expect(aggregatedMonths(new Date('9999-12-20T00:00:00Z'), null)).toEqual({ from: new Date('9999-12-01T00:00:00Z'), to: null });
  });
});
