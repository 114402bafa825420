import type { QueryRunner } from 'typeorm';
import { Seizures1795476169495 } from '../../../migrations/1795476169495-seizures.js';
import { SEIZURE_SEARCH_DOCUMENT } from './seizure-search-text.js';

describe('the search document', () => {
  it('is still the expression the migration indexes, so that the text filter can use the index', async () => {
    const sent: string[] = [];
    await new Seizures1795476169495().up({ query: async (sql: string) => void sent.push(sql) } as unknown as QueryRunner);
    const index = sent.find((sql) => sql.includes('"idx_seizures_search"'));
    expect(index).toBe(`CREATE INDEX "idx_seizures_search" ON "seizures" USING GIN ((${SEIZURE_SEARCH_DOCUMENT('seizures')}))`);
  });
});
