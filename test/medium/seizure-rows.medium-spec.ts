import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { SeizureInput } from '../../src/seizures/api/seizure.inputs.js';
import { SeizureEntity } from '../../src/seizures/data/seizure.entity.js';
import { newSeizureColumns } from '../../src/seizures/write/seizure-mapping.js';
import { SeizureRows } from '../../src/seizures/write/seizure-rows.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** A report with every kind of column set: arrays, dates, numbers, nulls, booleans, a signature. */
function input(reference: string): SeizureInput {
  return {
    reference,
    tlp: 'AMBER',
    releasableTo: ['KY', 'BB'],
    seizedAt: new Date('2026-11-02T10:11:12.345Z'),
    country: 'JM',
    location: { name: 'Port of Kingston', unlocode: 'JMKIN', latitude: 17.97, longitude: -76.79 },
    transportMode: 'SEA',
    commodity: { category: 'DRUGS', type: 'cocaine HCl', description: 'Bricks' },
    quantity: { value: 42.5, unit: 'KG' },
    estimatedValue: { amount: 1000.25, currency: 'USD' },
    detectionMethod: 'NII_XRAY',
    route: { origin: 'CO', transit: ['PA', 'DO'], destination: 'JM' },
  } as unknown as SeizureInput;
}

describe('SeizureRows (plain statements of a new submission)', () => {
  let platform: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    platform = await startTestApp();
    db = platform.server.runtime.dataSource;
  });
  afterAll(() => platform.stop());

  it('inserts and reads rows exactly as TypeORM\'s insert and findOneBy do', async () => {
    const rows = new SeizureRows(db);
    const reference = `ROWS-${randomUUID()}`;
    const entity = db.getRepository(SeizureEntity).create(newSeizureColumns(input(reference), {
      owner: 'JM',
      ownerCommunities: ['CARICOM'],
      createdBy: randomUUID(),
      contentHash: 'a'.repeat(64),
      valueUsd: 1000.25,
      releasableTo: ['BB', 'KY'],
      releasableToUsers: [],
      signature: { signerFingerprint: 'F'.repeat(40), detachedSignature: '-----BEGIN PGP SIGNATURE-----', canonical: '{}', signedAt: new Date('2026-11-02T10:00:00.000Z') },
      now: new Date(),
    }));
    const inserted = await db.transaction((manager) => rows.insertNew(manager, entity));
    const read = await db.getRepository(SeizureEntity).findOneBy({ reportingAgency: 'JM', reference });
    expect(read).toBeInstanceOf(SeizureEntity);
    expect(inserted).toBeInstanceOf(SeizureEntity);
    expect(inserted).toEqual(read);
    expect(await rows.byReference('JM', reference)).toEqual(read);

    // The reference is taken: nothing inserted, and an unknown reference reads as null.
    const again = db.getRepository(SeizureEntity).create({ ...entity, id: undefined });
    await expect(db.transaction((manager) => rows.insertNew(manager, again))).resolves.toBeNull();
    await expect(rows.byReference('JM', `${reference}-unknown`)).resolves.toBeNull();
  });
});
