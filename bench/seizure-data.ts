/**
 * Synthetic seizure reports for benchmarks, and a bulk loader for them.
 *
 * The distribution (deterministic for a given seed): reporting agencies are the 38 CCLEC member
 * administrations and the JIO, skewed towards JM, TT, DO, BS and US; owner_communities is {CCLEC};
 * commodities, TLP, transport and detection are weighted; AMBER and AMBER+STRICT reports are
 * released to 0-3 other members; the country is the reporting agency's in 90% of reports. Every
 * NOT NULL column is filled. Reports are generated in the order they would have been submitted:
 * created_at is uniform over the last three years and increases with the row, and seized_at is
 * up to 30 days earlier (skewed towards a few days), so, as in a real table, the physical order
 * follows the dates.
 *
 * Loading: the secondary indexes of `seizures` are dropped, rows go in with multi-row
 * `INSERT ... SELECT FROM unnest($1::uuid[], $2::text[], ...)` (one array parameter per column,
 * 5,000 rows a statement, two connections so generation and insertion overlap), then the same
 * indexes are rebuilt from their saved definitions (pg_get_indexdef) and the table is vacuumed
 * and analysed. The end state is the schema the migrations made, with freshly built indexes.
 */
import pg from 'pg';
import { DemoRandom } from '../src/demo/demo-random.js';

/** Bench helpers over the demo's seeded generator (one mulberry32 in the codebase). */
export class Random {
  private readonly source: DemoRandom;

  constructor(seed: number) {
    this.source = new DemoRandom(seed);
  }

  next(): number {
    return this.source.next();
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  hex(chars: number): string {
    let out = '';
    while (out.length < chars) out += (this.next() * 4294967296 >>> 0).toString(16).padStart(8, '0');
    return out.slice(0, chars);
  }

  uuid(): string {
    const h = this.hex(32);
    const variant = '89ab'[this.int(4)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** Log-normal around `median`. */
  logNormal(median: number, sigma: number): number {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
}

/** Draws from `{ value: weight }` by cumulative weight. */
export class Weighted<T extends string> {
  private readonly values: T[];
  private readonly cumulative: number[];

  constructor(weights: Record<T, number>) {
    this.values = Object.keys(weights) as T[];
    let total = 0;
    this.cumulative = this.values.map((v) => (total += weights[v]));
    this.cumulative = this.cumulative.map((c) => c / total);
  }

  draw(random: Random): T {
    const r = random.next();
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    return this.values[lo];
  }

  share(value: T): number {
    const i = this.values.indexOf(value);
    return i < 0 ? 0 : this.cumulative[i] - (i === 0 ? 0 : this.cumulative[i - 1]);
  }
}

/** Reporting agencies (the 38 members and the JIO) and their relative report volumes. */
export const AGENCY_WEIGHTS = {
  US: 10, JM: 9, DO: 8, TT: 7, BS: 6,
  MX: 3, CO: 3, CA: 2, GB: 2, PA: 2, HT: 2, GT: 2, CR: 2, HN: 2, JIO: 2,
  NI: 1.5, VE: 1.5, FR: 1.5, NL: 1.5, ES: 1.5, BB: 1.5, GY: 1.5,
  SR: 1, BZ: 1, KY: 1, CW: 1, AW: 1, LC: 1,
  VC: 0.7, GD: 0.7, AG: 0.7, KN: 0.6, DM: 0.6, BM: 0.6, VG: 0.6, TC: 0.6, SX: 0.6, AI: 0.4, MS: 0.3,
} as const;
type AgencyCode = keyof typeof AGENCY_WEIGHTS;
export const MEMBER_CODES = (Object.keys(AGENCY_WEIGHTS) as AgencyCode[]).filter((c) => c !== 'JIO');
/** The JIO's seat. */
const AGENCY_COUNTRY = (code: AgencyCode): string => (code === 'JIO' ? 'LC' : code);

export const TLP_WEIGHTS = { CLEAR: 15, GREEN: 55, AMBER: 20, AMBER_STRICT: 7, RED: 3 } as const;
export const COMMODITY_WEIGHTS = {
  DRUGS: 35, FIREARMS: 12, AMMUNITION: 8, FIREARM_PARTS: 5, TOBACCO: 12, CURRENCY: 6, IPR: 8,
  ALCOHOL: 3, MEDICINES: 2.5, OTHER: 2, PRECURSORS: 1.5, CITES_WILDLIFE: 1.5, FUEL: 1, OTHER_WEAPONS_EXPLOSIVES: 1,
  HAZARDOUS_WASTE_ODS: 0.5, CULTURAL_OBJECTS: 0.5, STRATEGIC_DUAL_USE: 0.5,
} as const;
type Category = keyof typeof COMMODITY_WEIGHTS;
const STATUS_WEIGHTS = { SUBMITTED: 90, VALIDATED: 7, RETRACTED: 3 } as const;
const TRANSPORT_WEIGHTS = {
  SEA: 30, AIR: 20, ROAD: 15, EXPRESS_COURIER: 12, POSTAL: 10, PEDESTRIAN: 5, OTHER: 3, INLAND_WATERWAY: 2, FIXED_INSTALLATION: 2, RAIL: 1,
} as const;
const DETECTION_WEIGHTS = {
  RISK_PROFILE: 20, INTELLIGENCE: 15, NII_XRAY: 15, DETECTOR_DOG: 10, PHYSICAL_EXAM: 12, ROUTINE_CONTROL: 8, DOCUMENT_CHECK: 6,
  RANDOM: 4, BEHAVIOURAL: 3, PARTNER_REFERRAL: 3, CONTROLLED_DELIVERY: 2, AI_IMAGE_ANALYSIS: 1, OTHER: 1,
} as const;

/** Unit and median quantity, and commodity types, per category. */
const COMMODITY_DETAILS: Record<Category, { units: [string, number][]; types: string[] }> = {
  DRUGS: { units: [['KG', 12], ['KG', 40], ['G', 300], ['TABLETS', 500]], types: ['cocaine HCl', 'cannabis herbal', 'cannabis resin', 'heroin', 'methamphetamine', 'MDMA', 'crack cocaine'] },
  FIREARMS: { units: [['PIECES', 2]], types: ['pistol', 'revolver', 'rifle', 'shotgun', 'assault rifle', 'submachine gun'] },
  AMMUNITION: { units: [['ROUNDS', 250]], types: ['9mm', '5.56mm', '7.62mm', '.38 special', '12 gauge'] },
  FIREARM_PARTS: { units: [['PIECES', 5]], types: ['magazine', 'barrel', 'slide', 'frame', 'conversion kit'] },
  TOBACCO: { units: [['STICKS', 50_000], ['KG', 200]], types: ['cigarettes', 'cigars', 'water-pipe tobacco', 'raw tobacco'] },
  CURRENCY: { units: [['CURRENCY_AMOUNT', 40_000]], types: ['USD banknotes', 'EUR banknotes', 'mixed banknotes'] },
  IPR: { units: [['ITEMS', 300]], types: ['clothing', 'footwear', 'watches', 'phones', 'perfume', 'auto parts'] },
  ALCOHOL: { units: [['L', 400]], types: ['rum', 'whisky', 'ethanol'] },
  MEDICINES: { units: [['TABLETS', 2_000], ['DOSES', 500]], types: ['tramadol', 'sildenafil', 'antibiotics'] },
  OTHER: { units: [['ITEMS', 50], ['KG', 100]], types: ['miscellaneous'] },
  PRECURSORS: { units: [['KG', 150], ['L', 200]], types: ['acetone', 'potassium permanganate', 'ephedrine'] },
  CITES_WILDLIFE: { units: [['PIECES', 10], ['KG', 20]], types: ['parrots', 'turtle shell', 'coral', 'queen conch'] },
  FUEL: { units: [['L', 5_000]], types: ['diesel', 'gasoline'] },
  OTHER_WEAPONS_EXPLOSIVES: { units: [['PIECES', 5], ['KG', 3]], types: ['taser', 'detonators', 'fireworks'] },
  HAZARDOUS_WASTE_ODS: { units: [['KG', 500]], types: ['HCFC-22', 'e-waste'] },
  CULTURAL_OBJECTS: { units: [['ITEMS', 3]], types: ['pre-Columbian artefacts', 'paintings'] },
  STRATEGIC_DUAL_USE: { units: [['ITEMS', 4]], types: ['night-vision devices', 'drones'] },
};
const KG_PER_UNIT: Record<string, number> = { KG: 1, G: 0.001, L: 1, ML: 0.001, M3: 1000 };
const CONCEALMENTS = ['false bottom', 'reefer container insulation', 'body carry', 'checked luggage lining', 'engine compartment', 'fruit consignment', 'hollowed pallets', 'postal parcel', 'vehicle door panels'];
const ROUTE_COUNTRIES = ['CO', 'VE', 'MX', 'US', 'PA', 'NL', 'ES', 'BR', 'PE', 'EC', 'DO', 'JM', 'HT', 'GT', 'HN', 'CN', 'GB', 'FR', 'CA', 'BS'];

/** One row of `seizures`: the column name and how its value is passed to unnest(). */
interface Column {
  name: string;
  /** Element type of the unnest() array parameter. */
  arrayType: string;
  /** SQL expression over the unnested value `u.<name>` (casts for array columns). */
  select?: string;
}

const COLUMNS: Column[] = [
  { name: 'id', arrayType: 'uuid' },
  { name: 'reference', arrayType: 'text' },
  { name: 'reporting_agency', arrayType: 'text' },
  { name: 'owner_communities', arrayType: 'text', select: 'u.owner_communities::text[]' },
  { name: 'created_by', arrayType: 'uuid' },
  { name: 'status', arrayType: 'text' },
  { name: 'tlp', arrayType: 'text' },
  { name: 'releasable_to', arrayType: 'text', select: 'u.releasable_to::text[]' },
  { name: 'releasable_to_users', arrayType: 'text', select: 'u.releasable_to_users::text[]' },
  { name: 'seized_at', arrayType: 'timestamptz' },
  { name: 'country', arrayType: 'text' },
  { name: 'location_name', arrayType: 'text' },
  { name: 'location_unlocode', arrayType: 'text' },
  { name: 'latitude', arrayType: 'float8' },
  { name: 'longitude', arrayType: 'float8' },
  { name: 'transport_mode', arrayType: 'text' },
  { name: 'commodity_category', arrayType: 'text' },
  { name: 'commodity_type', arrayType: 'text' },
  { name: 'commodity_description', arrayType: 'text' },
  { name: 'quantity_value', arrayType: 'float8' },
  { name: 'quantity_unit', arrayType: 'text' },
  { name: 'quantity_kg', arrayType: 'float8' },
  { name: 'value_amount', arrayType: 'float8' },
  { name: 'value_currency', arrayType: 'text' },
  { name: 'value_usd', arrayType: 'float8' },
  { name: 'concealment', arrayType: 'text' },
  { name: 'detection_method', arrayType: 'text' },
  { name: 'route_origin', arrayType: 'text' },
  { name: 'route_transit', arrayType: 'text', select: 'u.route_transit::text[]' },
  { name: 'route_destination', arrayType: 'text' },
  { name: 'route_countries', arrayType: 'text', select: 'u.route_countries::text[]' },
  { name: 'evaluation_scheme', arrayType: 'text' },
  { name: 'evaluation_source', arrayType: 'text' },
  { name: 'evaluation_information', arrayType: 'text' },
  { name: 'low_grade', arrayType: 'bool' },
  { name: 'content_hash', arrayType: 'text' },
  { name: 'retraction_reason', arrayType: 'text' },
  { name: 'version', arrayType: 'int4' },
  { name: 'created_at', arrayType: 'timestamptz' },
  { name: 'updated_at', arrayType: 'timestamptz' },
];
type Value = string | number | boolean | null;

const INSERT_SQL =
  `INSERT INTO seizures (${COLUMNS.map((c) => `"${c.name}"`).join(', ')}) ` +
  `SELECT ${COLUMNS.map((c) => c.select ?? `u.${c.name}`).join(', ')} ` +
  `FROM unnest(${COLUMNS.map((c, i) => `$${i + 1}::${c.arrayType}[]`).join(', ')}) AS u(${COLUMNS.map((c) => c.name).join(', ')})`;

const pgArray = (items: readonly string[]) => `{${items.join(',')}}`;

export interface GeneratorOptions {
  seed: number;
  /** How many rows will be generated: submission times are spread evenly over the period. */
  rows: number;
  /** Submissions are uniform over [now - years, now]. */
  years: number;
  now: Date;
}

/** Generates rows column by column (one array per column), ready for the unnest() INSERT. */
export class SeizureGenerator {
  private readonly random: Random;
  private readonly agencies = new Weighted(AGENCY_WEIGHTS);
  private readonly tlps = new Weighted(TLP_WEIGHTS);
  private readonly categories = new Weighted(COMMODITY_WEIGHTS);
  private readonly statuses = new Weighted(STATUS_WEIGHTS);
  private readonly transports = new Weighted(TRANSPORT_WEIGHTS);
  private readonly detections = new Weighted(DETECTION_WEIGHTS);
  /** A few authors per agency. */
  private readonly authors = new Map<string, string[]>();
  private readonly end: number;
  private readonly span: number;
  private readonly rows: number;
  private counter = 0;

  constructor(options: GeneratorOptions) {
    this.random = new Random(options.seed);
    this.end = options.now.getTime();
    this.span = options.years * 365.25 * 24 * 3600_000;
    this.rows = options.rows;
    for (const code of Object.keys(AGENCY_WEIGHTS)) this.authors.set(code, Array.from({ length: 5 }, () => this.random.uuid()));
  }

  /** Share of reports whose country is one of `countries` (for reading selectivities). */
  countryShare(countries: readonly string[]): number {
    const members = MEMBER_CODES.length;
    let share = 0;
    for (const code of Object.keys(AGENCY_WEIGHTS) as AgencyCode[]) {
      const own = countries.includes(AGENCY_COUNTRY(code)) ? 0.9 : 0;
      const other = 0.1 * countries.filter((c) => (MEMBER_CODES as string[]).includes(c)).length / members;
      share += this.agencies.share(code) * (own + other);
    }
    return share;
  }

  batch(size: number): Value[][] {
    const columns: Value[][] = COLUMNS.map(() => new Array<Value>(size));
    const r = this.random;
    for (let i = 0; i < size; i += 1) {
      const n = ++this.counter;
      const agency = this.agencies.draw(r) as AgencyCode;
      const tlp = this.tlps.draw(r);
      const category = this.categories.draw(r);
      const status = this.statuses.draw(r);
      const createdAt = this.end - this.span + (this.span * (n - 1 + r.next())) / this.rows;
      const seizedAt = createdAt - 3600_000 * (1 + 719 * r.next() * r.next() * r.next());
      const country = r.chance(0.9) ? AGENCY_COUNTRY(agency) : r.pick(MEMBER_CODES);
      const releasableTo: string[] = [];
      if (tlp === 'AMBER' || tlp === 'AMBER_STRICT') {
        const count = r.int(4);
        while (releasableTo.length < count) {
          const to = r.pick(MEMBER_CODES);
          if (to !== agency && !releasableTo.includes(to)) releasableTo.push(to);
        }
      }
      const releasableToUsers = tlp === 'RED' ? Array.from({ length: r.int(3) }, () => r.uuid()) : [];
      const details = COMMODITY_DETAILS[category];
      const [unit, median] = r.pick(details.units);
      const quantity = unit === 'PIECES' || unit === 'ROUNDS' || unit === 'ITEMS' || unit === 'STICKS' || unit === 'TABLETS' || unit === 'DOSES'
        ? Math.max(1, Math.round(r.logNormal(median, 1.2)))
        : Math.round(r.logNormal(median, 1.3) * 1000) / 1000;
      const kg = KG_PER_UNIT[unit];
      const valued = r.chance(0.6);
      const currency = valued ? (r.chance(0.85) ? 'USD' : 'EUR') : null;
      const amount = valued ? Math.round(r.logNormal(25_000, 1.5)) : null;
      const origin = r.chance(0.6) ? r.pick(ROUTE_COUNTRIES) : null;
      const destination = r.chance(0.6) ? (r.chance(0.7) ? country : r.pick(ROUTE_COUNTRIES)) : null;
      const transit = r.chance(0.3) ? [r.pick(ROUTE_COUNTRIES)] : [];
      const routeCountries = [...new Set([origin, ...transit, destination].filter((c): c is string => c != null))];
      const evaluated = r.chance(0.5);
      const source = evaluated ? 'ABCDEF'[r.int(6)] : null;
      const values: Value[] = [
        r.uuid(),
        `${agency}-SZ-${n.toString().padStart(8, '0')}`,
        agency,
        '{CCLEC}',
        r.pick(this.authors.get(agency)!),
        status,
        tlp,
        pgArray(releasableTo),
        pgArray(releasableToUsers),
        new Date(seizedAt).toISOString(),
        country,
        r.chance(0.8) ? `Port ${r.int(12) + 1} ${country}` : null,
        r.chance(0.5) ? `${country}${'ABCDEFGHKLMNPRSTVWXYZ'[r.int(21)]}${'ABCDEFGHKLMNPRSTVWXYZ'[r.int(21)]}${'ABCDEFGHKLMNPRSTVWXYZ'[r.int(21)]}` : null,
        r.chance(0.3) ? 10 + r.next() * 15 : null,
        r.chance(0.3) ? -90 + r.next() * 30 : null,
        this.transports.draw(r),
        category,
        r.pick(details.types),
        r.chance(0.4) ? `Found during ${r.pick(CONCEALMENTS)} inspection` : null,
        quantity,
        unit,
        kg == null ? null : quantity * kg,
        amount,
        currency,
        amount == null ? null : currency === 'EUR' ? Math.round(amount * 1.08 * 100) / 100 : amount,
        r.chance(0.5) ? r.pick(CONCEALMENTS) : null,
        this.detections.draw(r),
        origin,
        pgArray(transit),
        destination,
        pgArray(routeCountries),
        evaluated ? 'ADMIRALTY_6X6' : null,
        source,
        evaluated ? String(1 + r.int(6)) : null,
        source === 'E' || source === 'F',
        r.hex(64),
        status === 'RETRACTED' ? 'Duplicate of an earlier report' : null,
        1,
        new Date(createdAt).toISOString(),
        new Date(createdAt).toISOString(),
      ];
      for (let c = 0; c < values.length; c += 1) columns[c][i] = values[c];
    }
    return columns;
  }
}

export interface LoadResult {
  rows: number;
  insertMs: number;
  indexMs: number;
  vacuumAnalyzeMs: number;
  totalMs: number;
  tableBytes: number;
  indexBytes: number;
  indexes: { name: string; ms: number }[];
}

/** Loads `rows` generated seizures into `seizures` of the database at `connectionString`. */
export async function loadSeizures(
  connectionString: string,
  rows: number,
  generator: SeizureGenerator,
  options: { batchSize?: number; progress?: (done: number) => void } = {},
): Promise<LoadResult> {
  const batchSize = options.batchSize ?? 5000;
  const clients = [new pg.Client({ connectionString }), new pg.Client({ connectionString })];
  await Promise.all(clients.map((c) => c.connect()));
  const started = performance.now();
  try {
    const [admin] = clients;
    // Secondary indexes (not those behind constraints) are rebuilt after the load.
    const { rows: indexes } = await admin.query<{ name: string; def: string }>(
      `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
         FROM pg_index i
        WHERE i.indrelid = 'seizures'::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY 1`,
    );
    for (const index of indexes) await admin.query(`DROP INDEX ${index.name}`);

    const free: pg.Client[] = [...clients];
    const waiting: ((client: pg.Client) => void)[] = [];
    const acquire = () => (free.length ? Promise.resolve(free.pop()!) : new Promise<pg.Client>((resolve) => waiting.push(resolve)));
    const release = (client: pg.Client) => {
      const next = waiting.shift();
      if (next) next(client);
      else free.push(client);
    };
    const inFlight = new Set<Promise<void>>();
    let failure: unknown = null;
    let done = 0;
    for (let offset = 0; offset < rows && failure == null; offset += batchSize) {
      const size = Math.min(batchSize, rows - offset);
      const columns = generator.batch(size);
      const client = await acquire();
      const insert: Promise<void> = client
        .query(INSERT_SQL, columns)
        .then(
          () => {
            done += size;
            options.progress?.(done);
          },
          (error: unknown) => {
            failure ??= error;
          },
        )
        .finally(() => {
          release(client);
          inFlight.delete(insert);
        });
      inFlight.add(insert);
    }
    await Promise.all(inFlight);
    if (failure != null) throw failure;
    const inserted = performance.now();

    const built: { name: string; ms: number }[] = [];
    await Promise.all(clients.map((c) => c.query("SET maintenance_work_mem = '256MB'")));
    // Two builds at a time, largest expected (full-text GIN) first.
    const queue = [...indexes].sort((a, b) => Number(b.def.includes('to_tsvector')) - Number(a.def.includes('to_tsvector')));
    await Promise.all(
      clients.map(async (client) => {
        for (let index = queue.shift(); index; index = queue.shift()) {
          const t = performance.now();
          await client.query(index.def);
          built.push({ name: index.name, ms: performance.now() - t });
        }
      }),
    );
    const indexed = performance.now();
    await admin.query('VACUUM (ANALYZE) seizures');
    const finished = performance.now();
    const { rows: sizes } = await admin.query<{ table_bytes: string; index_bytes: string }>(
      "SELECT pg_table_size('seizures') AS table_bytes, pg_indexes_size('seizures') AS index_bytes",
    );
    return {
      rows,
      insertMs: inserted - started,
      indexMs: indexed - inserted,
      vacuumAnalyzeMs: finished - indexed,
      totalMs: finished - started,
      tableBytes: Number(sizes[0].table_bytes),
      indexBytes: Number(sizes[0].index_bytes),
      indexes: built,
    };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}
