import { getManyFlat } from '../src/database/flat-entities.js';
import { OperationReportEntity } from '../src/operations/operation-report.entity.js';
import { SeizureEntity } from '../src/seizures/seizure.entity.js';
import { UserEntity } from '../src/users/user.entity.js';
import { submitSeizure } from './support/seizure-fixtures.js';
import { startTestPlatform, type TestPlatform } from './support/test-platform.js';

/** The search page's fast reader must give exactly what TypeORM's getMany() gives. */
describe('getManyFlat', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
    const { key } = await platform.userWithKey('JM', ['ELO']);
    // Nulls, arrays (empty and not), dates, numbers, booleans and char columns.
    await submitSeizure(platform, key);
    await submitSeizure(platform, key, { tlp: 'AMBER', releasableTo: ['KY', 'TT'], route: null, conveyance: null, estimatedValue: null, location: null, sensitive: null });
    await submitSeizure(platform, key, { tlp: 'CLEAR', quantity: { value: 2.5, unit: 'KG' }, commodity: { category: 'DRUGS', type: 'cocaine', description: null } });
  });
  afterAll(() => platform.stop());

  it('reads the same seizure entities as getMany(), in the same order', async () => {
    const query = () => platform.server.runtime.dataSource.getRepository(SeizureEntity).createQueryBuilder('s').orderBy('s.seized_at', 'DESC').addOrderBy('s.id', 'DESC');
    const expected = await query().getMany();
    expect(expected).toHaveLength(3);
    const flat = await getManyFlat(query());
    expect(flat).toEqual(expected);
    expect(flat.every((row) => row instanceof SeizureEntity)).toBe(true);
    expect(flat.map((row) => row.releasableTo)).toEqual(expected.map((row) => row.releasableTo));
  });

  it('leaves out columns the query did not select, as getMany() does', async () => {
    const query = () => platform.server.runtime.dataSource.getRepository(SeizureEntity).createQueryBuilder('s').select(['s.id', 's.tlp']).orderBy('s.id');
    expect(await getManyFlat(query())).toEqual(await query().getMany());
  });

  it('refuses entities it cannot read flat, instead of reading them wrong', async () => {
    const users = platform.server.runtime.dataSource.getRepository(UserEntity).createQueryBuilder('u');
    await expect(getManyFlat(users.leftJoinAndSelect('u.agency', 'a'))).rejects.toThrow(/joined entities/);
    const reports = platform.server.runtime.dataSource.getRepository(OperationReportEntity).createQueryBuilder('r');
    await expect(getManyFlat(reports)).resolves.toEqual([]);
  });
});
