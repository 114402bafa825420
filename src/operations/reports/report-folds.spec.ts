import fc from 'fast-check';
import { fold, foldTotals, foldUnits, foldWeeks, lastDayOf, sortByCount, timeline, weeksOf, type GroupRow } from './report-folds.js';
import { mostRestrictive, reportMarking } from './report-marking.js';

const row = (key: string, unit: string, count: number, quantity: number, value: number | null): GroupRow => ({ key, unit, count, quantity, value });

/** Per-country rows of the kind that broke the totals: several countries with the same units. */
const BY_COUNTRY: GroupRow[] = [
  row('JM', 'ITEMS', 4, 28, 56000),
  row('JM', 'ROUNDS', 2, 1500, null),
  row('TT', 'ITEMS', 3, 12, 30000),
  row('TT', 'ROUNDS', 1, 23000, 4000),
  row('US', 'ITEMS', 5, 290, 900000),
  row('US', 'KG', 1, 2.5, 75000),
  row('BS', 'ROUNDS', 1, 175, null),
];

describe('report folds', () => {
  it('totals one row per unit over mixed units and countries', () => {
    const totals = foldTotals(BY_COUNTRY);
    expect(totals.quantities).toEqual([
      { unit: 'ITEMS', count: 12, quantity: 330, value: 986000 },
      { unit: 'ROUNDS', count: 4, quantity: 24675, value: 4000 },
      { unit: 'KG', count: 1, quantity: 2.5, value: 75000 },
    ]);
    expect(totals).toMatchObject({ keys: [], count: 17, totalQuantity: null, quantityUnit: null, totalValue: 1065000 });
  });

  it('gives a total quantity only when there is one unit', () => {
    const items = foldTotals(BY_COUNTRY.filter((r) => r.unit === 'ITEMS'));
    expect(items).toMatchObject({ count: 12, totalQuantity: 330, quantityUnit: 'ITEMS', totalValue: 986000 });
    expect(foldTotals([])).toEqual({ keys: [], count: 0, totalQuantity: null, quantityUnit: null, totalValue: null, quantities: [] });
  });

  it('keeps a null value for a unit none of whose seizures has a value', () => {
    expect(foldUnits([row('A', 'ROUNDS', 1, 5, null), row('B', 'ROUNDS', 2, 7, null)])).toEqual([{ unit: 'ROUNDS', count: 3, quantity: 12, value: null }]);
  });

  it('folds one bucket per key, with one quantity per unit within it', () => {
    const buckets = sortByCount(fold(BY_COUNTRY, (r) => r.key));
    expect(buckets.map((b) => [b.keys[0], b.count, b.quantities.map((q) => `${q.quantity} ${q.unit}`)])).toEqual([
      ['JM', 6, ['28 ITEMS', '1500 ROUNDS']],
      ['US', 6, ['290 ITEMS', '2.5 KG']],
      ['TT', 4, ['12 ITEMS', '23000 ROUNDS']],
      ['BS', 1, ['175 ROUNDS']],
    ]);
  });

  it('totals the same whichever dimension the rows come from (property)', () => {
    const units = ['ITEMS', 'ROUNDS', 'KG', 'PIECES'];
    const seizure = fc.record({ a: fc.constantFrom('JM', 'TT', 'US'), b: fc.constantFrom('SEA', 'AIR'), unit: fc.constantFrom(...units), quantity: fc.integer({ min: 1, max: 1000 }), value: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: null }) });
    fc.assert(fc.property(fc.array(seizure, { maxLength: 40 }), (seizures) => {
      const rowsBy = (dimension: 'a' | 'b') => {
        const groups = new Map<string, GroupRow>();
        for (const s of seizures) {
          const key = `${s[dimension]}|${s.unit}`;
          const g = groups.get(key) ?? row(s[dimension], s.unit, 0, 0, null);
          g.count += 1;
          g.quantity += s.quantity;
          if (s.value != null) g.value = (g.value ?? 0) + s.value;
          groups.set(key, g);
        }
        return [...groups.values()];
      };
      const byA = foldTotals(rowsBy('a'));
      const byB = foldTotals(rowsBy('b'));
      expect(byA).toEqual(byB);
      expect(byA.count).toBe(seizures.length);
      expect(new Set(byA.quantities.map((q) => q.unit)).size).toBe(byA.quantities.length);
      for (const q of byA.quantities) expect(q.quantity).toBe(seizures.filter((s) => s.unit === q.unit).reduce((sum, s) => sum + s.quantity, 0));
    }));
  });

  it('numbers weeks from the operation start, ends the period on its last day, and puts strays before or after', () => {
    const operation = { startsAt: new Date('2026-07-21T00:00:00Z'), endsAt: new Date('2026-09-01T00:00:00Z') };
    expect(weeksOf(operation)).toBe(6);
    expect(lastDayOf(operation.endsAt)).toBe('2026-08-31');
    const weeks = foldWeeks([row('0', 'ITEMS', 1, 1, null), row('1', 'ITEMS', 2, 2, 10), row('6', 'ITEMS', 1, 1, null), row('7', 'ITEMS', 1, 1, null)], 6);
    expect(weeks.map((b) => b.keys[0])).toEqual(['BEFORE', 'W1', 'W6', 'AFTER']);
    const line = timeline(operation, 6, weeks);
    expect(line[0]).toEqual({ week: 'W1', from: '2026-07-21', to: '2026-07-27', count: 2, totalValue: 10 });
    expect(line[5]).toMatchObject({ week: 'W6', from: '2026-08-25', to: '2026-08-31', count: 1 });
  });

  it('marks a report at least as restrictively as its most restrictive content and its operation', () => {
    expect(mostRestrictive(['GREEN', 'AMBER', 'CLEAR'])).toBe('AMBER');
    expect(reportMarking('GREEN', ['GREEN', 'AMBER'], null)).toEqual({ tlp: 'AMBER', floor: 'AMBER', operationTlp: 'GREEN', contentTlp: 'AMBER', chosen: null });
    expect(reportMarking('AMBER', ['CLEAR'], null).tlp).toBe('AMBER');
    expect(reportMarking('GREEN', [], null)).toMatchObject({ tlp: 'GREEN', contentTlp: null });
    expect(reportMarking('GREEN', ['AMBER'], 'AMBER_STRICT').tlp).toBe('AMBER_STRICT');
    expect(() => reportMarking('GREEN', ['AMBER'], 'GREEN')).toThrow('TLP:GREEN is less restrictive than the report\'s content requires (TLP:AMBER)');
    expect(() => reportMarking('GREEN', ['GREEN'], 'RED')).toThrow('a report is marked one of');
  });
});
