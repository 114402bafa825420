import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import { AgencyEntity } from '../agencies/agency.entity.js';
import type { RequestContext } from '../access/request-context.js';
import { ConflictError } from '../errors/domain-error.js';
import type { Tlp } from '../seizures/seizure.enums.js';
import { SeizureEntity } from '../seizures/data/seizure.entity.js';
import type { EvaluationInput, HandlingInput, LocationInput, SeizureInput, SensitiveInput } from '../seizures/api/seizure.inputs.js';
import { SeizureSubmissionService } from '../seizures/write/seizure-submission.service.js';
import { effectiveTlp } from '../seizures/write/seizure-validation.js';
import { UsersService } from '../users/users.service.js';
import { demoContext } from './demo-context.js';
import { DEMO_USERS } from './demo-users.js';
import { AGENCY_TERRITORIES, PER_USD, TERRITORIES } from './demo-places.js';
import { DemoRandom } from './demo-random.js';
import { CONVEYANCES, SCENARIOS, type Conveyance, type Draft, type PlaceKind, type Scenario } from './scenarios/index.js';

/**
 * Demo seizure reports: about 300 realistic, entirely fictional reports from many member
 * administrations over the twelve months before an anchor date, including those of Operation
 * Caribbean Shield. The generator is a pure function of the anchor (seeded PRNG), so seeding
 * again produces identical reports and the submission's idempotency makes a rerun a no-op.
 */

/** The default anchor. Fixed, so that every run (and every restart) produces the same reports. */
export const DEMO_ANCHOR = new Date('2026-11-01T00:00:00Z');
const SEED = 0x57_49_4e_44; // "WIND"
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const CARIBBEAN_SHIELD = {
  code: 'CARIBBEAN_SHIELD',
  name: 'Operation Caribbean Shield',
  description: 'Six-week JIO-coordinated operation against small-arms trafficking (firearms, firearm parts, ammunition), modelled on WCO CALYPSO',
  coordinator: 'JIO',
  weeks: 6,
  /** Reports of the operation are `CS-<reporting agency>-NNN`. */
  referencePattern: /^CS-[A-Z]{2}-\d{3}$/,
} as const;

/** The operation's six weeks, ending about two months before the anchor (UTC midnights). */
export function caribbeanShieldWindow(anchor: Date): { startsAt: Date; endsAt: Date } {
  const endsAt = new Date(Math.floor(anchor.getTime() / DAY) * DAY - 61 * DAY);
  return { startsAt: new Date(endsAt.getTime() - CARIBBEAN_SHIELD.weeks * 7 * DAY), endsAt };
}

export interface DemoSeizure {
  /** The reporting agency: the report is submitted by its demo ELO. */
  agency: string;
  input: SeizureInput;
  /** RED reports only: emails of the demo users they are for; seeding turns them into user ids. */
  namedUsers?: string[];
  /** Set on the reports of Operation Caribbean Shield, to link them when operations exist. */
  operation?: typeof CARIBBEAN_SHIELD.code;
  /** The scenario that produced the report (for tests and statistics only). */
  scenario: string;
}

export interface DemoDataset {
  anchor: Date;
  /** Every report, in order of seizure. */
  seizures: DemoSeizure[];
  caribbeanShield: { startsAt: Date; endsAt: Date; participants: string[]; seizures: DemoSeizure[] };
}

/** Reports per administration outside the operation (about 240). */
const QUOTAS: readonly (readonly [string, number])[] = [
  ['JM', 24], ['TT', 20], ['DO', 18], ['US', 14], ['BS', 12], ['PA', 10], ['CO', 9], ['GY', 9], ['BB', 9], ['NL', 9], ['FR', 9], ['GB', 8],
  ['HT', 8], ['KY', 7], ['CW', 7], ['LC', 6], ['VC', 5], ['AW', 6], ['SX', 4], ['TC', 4], ['GD', 4], ['BZ', 4], ['MX', 5], ['KN', 3],
  ['AG', 3], ['SR', 4], ['ES', 3], ['CA', 3], ['DM', 2], ['VG', 2], ['CR', 2], ['GT', 2], ['HN', 2], ['AI', 1], ['BM', 1], ['MS', 1],
];

/** Operation Caribbean Shield: the participating administrations and their reports (60). */
const CARIBBEAN_SHIELD_QUOTAS: readonly (readonly [string, number])[] = [
  ['JM', 7], ['TT', 6], ['US', 6], ['BS', 5], ['DO', 5], ['HT', 4], ['BB', 3], ['GY', 3], ['LC', 3], ['VC', 2], ['KN', 2], ['AG', 2],
  ['GD', 2], ['TC', 2], ['KY', 2], ['SX', 2], ['CW', 1], ['BZ', 1], ['DM', 1], ['SR', 1],
];

const AGENCIES_WITH_CODES = new Set(['US', 'GB', 'NL', 'FR', 'ES', 'CA', 'CO', 'PA', 'MX', 'JM', 'TT', 'DO', 'BS', 'GY', 'HT', 'BB', 'CW', 'AW', 'SR', 'VE']);
const EUROPE = new Set(['GB', 'NL', 'FR', 'ES', 'BE', 'PT', 'DE', 'IT']);
const SOUTH_AMERICA = new Set(['CO', 'VE', 'EC', 'PE', 'BO', 'BR', 'PY']);

const HANDLING_CONDITIONS = [
  'Controlled delivery under way: take no action against the consignee without consulting the reporting agency.',
  'Vessel under surveillance: do not contact the shipping line, agent or crew.',
  'Not to be cited in judicial proceedings without the written consent of the reporting agency.',
  'For targeting and risk profiling only; not for publication before the case is closed.',
] as const;
const FOLLOW_UPS = [
  'Suspect detained and charged; case referred to the prosecutor.',
  'Phones seized for forensic examination.',
  'Consignee address linked to two earlier seizures.',
  'A controlled delivery was considered and rejected.',
  'Conveyance detained pending forfeiture proceedings.',
  'A financial investigation was opened.',
  'Request for mutual assistance sent to the country of departure.',
] as const;
const VESSEL_NAMES = ['Trader', 'Breeze', 'Spirit', 'Star', 'Runner', 'Lady', 'Dawn', 'Pearl', 'Mariner', 'Venture', 'Osprey', 'Tern'] as const;
const COMPANY_WORDS = ['Freight', 'Logistics', 'Trading', 'Shipping', 'Imports', 'Marine Services', 'Auto Parts', 'Wholesale', 'Courier Services', 'Agencies'] as const;
const COMPANY_FORMS = ['Ltd', 'Ltd', 'Inc.', 'LLC', 'S.A.', 'B.V.', 'SRL'] as const;

const digits = (r: DemoRandom, n: number) => Array.from({ length: n }, () => r.int(0, 9)).join('');
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** A value in the local currency, to three significant digits. */
function localValue(usd: number, currency: string): number {
  const amount = usd * (PER_USD[currency] ?? 1);
  if (amount < 100) return Math.round(amount);
  const step = 10 ** (Math.floor(Math.log10(amount)) - 2);
  return Math.round(amount / step) * step;
}

function location(r: DemoRandom, country: string, kind: PlaceKind): LocationInput {
  const t = TERRITORIES[country];
  const port = (list: readonly (readonly [string, string | null, number, number])[]) => {
    const [name, unlocode, latitude, longitude] = r.pick(list);
    return { name, unlocode, latitude, longitude };
  };
  switch (kind) {
    case 'sea':
      return port(t.sea);
    case 'air':
      return port(t.air);
    case 'border':
      return port(t.border ?? t.sea);
    case 'mail': {
      const [, unlocode, latitude, longitude] = t.air[0];
      return { name: `${t.city} mail processing centre`, unlocode, latitude, longitude };
    }
    case 'courier': {
      const [name, unlocode, latitude, longitude] = t.air[0];
      return { name: `Express courier hub, ${name}`, unlocode, latitude, longitude };
    }
    case 'marina': {
      const [, unlocode, latitude, longitude] = t.sea[0];
      return { name: `${t.city} marina (small-craft clearance)`, unlocode, latitude: round3(latitude + 0.01), longitude: round3(longitude + 0.01) };
    }
    case 'atSea': {
      const [, , latitude, longitude] = r.pick(t.sea);
      const miles = r.int(3, 60);
      const bearing = r.real(0, 2 * Math.PI);
      return {
        name: `At sea, ${miles} nautical miles off ${t.name}`,
        unlocode: null,
        latitude: round3(latitude + (miles / 60) * Math.cos(bearing)),
        longitude: round3(longitude + (miles / 60) * Math.sin(bearing)),
      };
    }
  }
}

function conveyanceIdentifier(r: DemoRandom, type: Conveyance): string {
  const vessel = () => `Demo ${r.pick(VESSEL_NAMES)} ${r.int(1, 9)}`;
  switch (type) {
    case 'SEA_CONTAINER': return `DEMU${digits(r, 7)}`;
    case 'SEA_GENERAL_CARGO': return `MV ${vessel()}, B/L DEMO-BL-${digits(r, 6)}`;
    case 'PLEASURE_CRAFT': return `SY ${vessel()}`;
    case 'FISHING_VESSEL': return `FV ${vessel()}`;
    case 'GO_FAST': return `Unregistered go-fast, twin ${r.pick([150, 200, 250, 300])} hp outboards`;
    case 'SEMI_SUBMERSIBLE': return 'Unregistered semi-submersible';
    case 'CRUISE_PASSENGER': return `MS ${vessel()} (cruise call)`;
    case 'AIR_PASSENGER': return `Flight DM${digits(r, 3)} (fictional)`;
    case 'AIR_CARGO': return `AWB DEMO-${digits(r, 8)}`;
    case 'GENERAL_AVIATION': return `Aircraft DEMO-GA${digits(r, 2)}`;
    case 'EXPRESS_COURIER': return `Waybill DEMO-WB-${digits(r, 10)}`;
    case 'POSTAL': return `Item DEMO-PO-${digits(r, 9)}`;
    case 'VEHICLE':
    case 'TRUCK': return `Plate DEMO-${digits(r, 4)}`;
  }
}

function evaluation(r: DemoRandom, agency: string, low: boolean): EvaluationInput {
  if (low) return { scheme: 'ADMIRALTY_6X6', source: 'E', information: '5' };
  if (agency === 'GB' && r.chance(0.7)) return { scheme: 'UK_3X5X2', source: '1', information: r.pick(['A', 'A', 'B']) };
  if (agency === 'NL' && r.chance(0.7)) return { scheme: 'EUROPOL_4X4', source: 'A', information: r.pick(['1', '1', '2']) };
  const [source, information] = r.weighted<readonly [string, string]>([
    [['A', '1'], 62], [['B', '2'], 24], [['A', '2'], 6], [['B', '1'], 4], [['C', '3'], 3], [['D', '4'], 1],
  ]);
  return { scheme: 'ADMIRALTY_6X6', source, information };
}

function handling(r: DemoRandom, agency: string, operation: boolean): HandlingInput | undefined {
  if (!r.chance(operation ? 0.06 : 0.1)) return undefined;
  if (agency === 'GB') return r.chance(0.5) ? { code: 'P' } : { code: 'C', conditions: r.pick(HANDLING_CONDITIONS) };
  return r.weighted<HandlingInput>([
    [{ code: 'H0' }, 3],
    [{ code: 'H1' }, 1],
    [{ code: 'H2' }, 1],
    [{ code: 'H3', conditions: r.pick(HANDLING_CONDITIONS) }, 3],
  ]);
}

/** Agencies an AMBER report is released to: the JIO and those on its route. */
function releaseCandidates(agency: string, draft: Draft, operation: boolean): string[] {
  const { origin, transit, destination } = draft.route;
  const codes = ['JIO', ...[origin, ...transit, destination].filter((c): c is string => c != null && AGENCIES_WITH_CODES.has(c))];
  if (destination && EUROPE.has(destination)) codes.push('RILO-WE');
  if (origin && SOUTH_AMERICA.has(origin) && !AGENCIES_WITH_CODES.has(origin)) codes.push('RILO-SAM');
  if (operation && !codes.includes('US')) codes.push('US');
  return [...new Set(codes)].filter((c) => c !== agency);
}

class DemoBuilder {
  private persons = 0;

  constructor(private readonly r: DemoRandom) {}

  build(agency: string, country: string, scenario: Scenario, seizedAt: Date, operation: boolean): DemoSeizure {
    const r = this.r;
    const draft = scenario.build({ r, agency, country, territory: TERRITORIES[country], operation });
    const [transportMode, defaultPlace] = CONVEYANCES[draft.conveyance];
    const low = !operation && r.chance(0.025);

    let tlp = r.weighted<Tlp>(operation
      ? [['CLEAR', 8], ['GREEN', 68], ['AMBER', 22], ['AMBER_STRICT', 2]]
      : [['CLEAR', 12], ['GREEN', 72], ['AMBER', 13], ['AMBER_STRICT', 3]]);
    const handlingCode = handling(r, agency, operation);
    tlp = effectiveTlp(tlp, handlingCode?.code);
    const candidates = releaseCandidates(agency, draft, operation);
    const releasableTo = tlp === 'AMBER'
      ? (operation ? ['JIO', ...r.some(candidates.filter((c) => c !== 'JIO'), 0, 1)] : r.some(candidates, 1, 3))
      : tlp === 'AMBER_STRICT' ? [r.pick(candidates)] : undefined;
    const sensitive = tlp === 'AMBER_STRICT' || r.chance(0.5) ? this.sensitive(draft, country) : undefined;
    const currency = draft.cash?.currency ?? TERRITORIES[country].currency;

    const description = [
      operation ? `${CARIBBEAN_SHIELD.name}: ${draft.description}` : draft.description,
      low ? 'Origin and route reported by an untested source, not yet corroborated' : null,
    ].filter(Boolean).join('. ');

    const input: SeizureInput = {
      reference: '', // numbered once all reports are in order
      tlp,
      releasableTo: releasableTo?.length ? releasableTo : undefined,
      seizedAt,
      country,
      location: location(r, country, draft.place ?? defaultPlace),
      transportMode,
      commodity: { category: draft.category, type: draft.type, description },
      quantity: { value: draft.quantity, unit: draft.unit },
      estimatedValue: draft.cash ? { amount: draft.cash.amount, currency: draft.cash.currency } : { amount: localValue(draft.usd, currency), currency },
      concealment: draft.concealment,
      detectionMethod: draft.detection,
      route: { origin: draft.route.origin, transit: draft.route.transit, destination: draft.route.destination },
      conveyance: { type: draft.conveyance, identifier: conveyanceIdentifier(r, draft.conveyance) },
      evaluation: evaluation(r, agency, low),
      handling: handlingCode,
      sensitive,
      serverBlind: false,
    };
    return { agency, input, scenario: scenario.id, ...(operation ? { operation: CARIBBEAN_SHIELD.code } : {}) };
  }

  /** The nominal section: fictional people and companies, clearly marked as such. */
  sensitive(draft: Draft, country: string): SensitiveInput {
    const r = this.r;
    const nationalities = [country, country, draft.route.origin, draft.route.destination].filter((c): c is string => c != null);
    const persons = draft.roles.map((role) => ({
      name: `Demo Person ${++this.persons} (fictional)`,
      nationality: r.pick(nationalities),
      dateOfBirth: String(r.int(1962, 2004)),
      role,
    }));
    const companies = draft.company ? [`Demo ${r.pick(COMPANY_WORDS)} ${r.pick(COMPANY_FORMS)} (fictional)`] : [];
    const identifiers = persons.map(() => `Passport DEMO-P${digits(r, 6)} (fictional)`);
    if (r.chance(0.4)) identifiers.push(`Phone +1 555 01${digits(r, 2)} (fictional)`);
    return {
      narrative: `FICTIONAL DEMO DATA, not a real case. ${draft.story} ${r.pick(FOLLOW_UPS)}`,
      persons,
      companies,
      identifiers,
    };
  }
}

function applicable(agency: string): [Scenario, string][] {
  const countries = AGENCY_TERRITORIES[agency] ?? [agency];
  return SCENARIOS.flatMap((s) => countries.filter((c) => s.countries.includes(c)).map((c): [Scenario, string] => [s, c]));
}

/** Generates the demo reports for an anchor date: same anchor, same reports. */
export function generateDemoDataset(anchor: Date = DEMO_ANCHOR): DemoDataset {
  const r = new DemoRandom(SEED);
  const builder = new DemoBuilder(r);
  const latest = anchor.getTime() - 2 * HOUR;
  const minute = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000);
  const general: DemoSeizure[] = [];
  for (const [agency, count] of QUOTAS) {
    const options = applicable(agency);
    if (options.length === 0) throw new Error(`No demo scenario fits agency ${agency}`);
    for (let i = 0; i < count; i += 1) {
      const [scenario, country] = r.weighted(options.map((o) => [o, o[0].weight] as const));
      general.push(builder.build(agency, country, scenario, minute(latest - r.real(0, 365 * DAY - 2 * HOUR)), false));
    }
  }

  const window = caribbeanShieldWindow(anchor);
  const shield: DemoSeizure[] = [];
  for (const [agency, count] of CARIBBEAN_SHIELD_QUOTAS) {
    const all = applicable(agency);
    const arms = all.filter(([s]) => s.arms);
    for (let i = 0; i < count; i += 1) {
      // Small arms first; now and then the operation turns up something else (cash, drugs).
      const pool = r.chance(0.07) ? all.filter(([s]) => !s.arms) : arms;
      const [scenario, country] = r.weighted((pool.length ? pool : arms).map((o) => [o, o[0].weight] as const));
      const seizedAt = minute(Math.min(latest, window.startsAt.getTime() + r.real(0, window.endsAt.getTime() - window.startsAt.getTime())));
      shield.push(builder.build(agency, country, scenario, seizedAt, true));
    }
  }

  const byTime = (a: DemoSeizure, b: DemoSeizure) => a.input.seizedAt.getTime() - b.input.seizedAt.getTime() || a.agency.localeCompare(b.agency);
  general.sort(byTime);
  shield.sort(byTime);
  const numbers = new Map<string, number>();
  const next = (key: string) => {
    const n = (numbers.get(key) ?? 0) + 1;
    numbers.set(key, n);
    return n;
  };
  for (const s of general) s.input.reference = `DEMO-${s.agency}-${String(next(`D${s.agency}`)).padStart(4, '0')}`;
  for (const s of shield) s.input.reference = `CS-${s.agency}-${String(next(`CS${s.agency}`)).padStart(3, '0')}`;

  // Two RED reports, for named users only: Trinidad's largest drugs case for the JIO analyst, and
  // Jamaica's largest firearms case for the JIO analyst and the Trinidad ELO.
  const largest = (agency: string, category: string) =>
    general.filter((s) => s.agency === agency && s.input.commodity.category === category).sort((a, b) => b.input.quantity.value - a.input.quantity.value)[0];
  makeRed(r, largest('TT', 'DRUGS'), ['analyst@jio.demo']);
  makeRed(r, largest('JM', 'FIREARMS'), ['analyst@jio.demo', 'elo@tt.demo']);

  return {
    anchor,
    seizures: [...general, ...shield].sort(byTime),
    caribbeanShield: { ...window, participants: CARIBBEAN_SHIELD_QUOTAS.map(([agency]) => agency), seizures: shield },
  };
}

function makeRed(r: DemoRandom, seizure: DemoSeizure | undefined, users: string[]): void {
  if (!seizure) return;
  const input = seizure.input;
  input.tlp = 'RED';
  input.releasableTo = undefined;
  input.handling = undefined;
  input.evaluation = { scheme: 'ADMIRALTY_6X6', source: 'B', information: '2' };
  input.sensitive = {
    narrative: `FICTIONAL DEMO DATA, not a real case. Source-protected case: an informant placed inside the network; disclose to no one beyond the named recipients. ${r.pick(FOLLOW_UPS)}`,
    persons: [{ name: 'Demo Person 900 (fictional)', nationality: input.country, dateOfBirth: '1981', role: 'organiser' }],
    companies: ['Demo Freight Ltd (fictional)'],
    identifiers: ['Phone +1 555 0199 (fictional)'],
  };
  seizure.namedUsers = users;
}

// --- seeding ----------------------------------------------------------------------------------

export const demoEloEmail = (agency: string) => `elo@${agency.toLowerCase()}.demo`;

export interface DemoSeizureSeedResult {
  anchor: Date;
  total: number;
  submitted: number;
  existing: number;
  /** References already used by different content (e.g. demo data of another version): left as they are. */
  conflicting: string[];
  caribbeanShield: number;
  elapsedMs: number;
}

/**
 * Submits the demo reports through the normal submission path, each as the demo ELO of its
 * reporting agency (`elo@<cc>.demo`, created without an API key when missing). Run
 * `seedDemoUsers` first so that the demo users who get API keys are created with them. With
 * `caribbeanShieldId`, the operation's reports are submitted under that operation. Idempotent:
 * a second run submits identical content, which returns the existing reports.
 */
export async function seedDemoSeizures(app: INestApplicationContext, options: { anchor?: Date; caribbeanShieldId?: string } = {}): Promise<DemoSeizureSeedResult> {
  const started = performance.now();
  const anchor = options.anchor ?? DEMO_ANCHOR;
  if (anchor.getTime() > Date.now()) throw new Error(`The demo anchor ${anchor.toISOString()} is in the future; check the system clock`);
  const dataset = generateDemoDataset(anchor);
  const users = app.get(UsersService);
  const submissions = app.get(SeizureSubmissionService);
  const dataSource = app.get<DataSource>(getDataSourceToken());

  const agencyCodes = [...new Set(dataset.seizures.map((s) => s.agency))];
  const agencies = new Map((await dataSource.getRepository(AgencyEntity).findBy({ code: In(agencyCodes) })).map((a) => [a.code, a]));
  const demoUser = async (email: string, agency: string) => {
    const known = DEMO_USERS.find((u) => u.email === email);
    const { user } = await users.createOrGet(known
      ? { ...known, roles: [...known.roles] }
      : { email, agencyCode: agency, roles: ['ELO'], displayName: `${agencies.get(agency)?.name ?? agency} ELO (demo)` });
    return user;
  };

  const contexts = new Map<string, RequestContext>();
  const contextFor = async (agency: string): Promise<RequestContext> => {
    let ctx = contexts.get(agency);
    if (!ctx) {
      ctx = await demoContext(app, await demoUser(demoEloEmail(agency), agency));
      contexts.set(agency, ctx);
    }
    return ctx;
  };
  const userIds = new Map<string, string>();
  const userId = async (email: string) => {
    if (!userIds.has(email)) {
      const known = DEMO_USERS.find((u) => u.email === email);
      userIds.set(email, (await demoUser(email, known?.agencyCode ?? email.split('@')[1].split('.')[0].toUpperCase())).id);
    }
    return userIds.get(email)!;
  };

  const references = dataset.seizures.map((s) => s.input.reference);
  const present = new Set(
    (await dataSource.getRepository(SeizureEntity).find({ select: { reportingAgency: true, reference: true }, where: { reference: In(references) } }))
      .map((row) => `${row.reportingAgency}/${row.reference}`),
  );

  const result: DemoSeizureSeedResult = {
    anchor, total: dataset.seizures.length, submitted: 0, existing: 0, conflicting: [], caribbeanShield: dataset.caribbeanShield.seizures.length, elapsedMs: 0,
  };
  // Callers and named users first.
  for (const agency of agencyCodes) await contextFor(agency);
  for (const email of new Set(dataset.seizures.flatMap((s) => s.namedUsers ?? []))) await userId(email);
  const submitOne = async (seizure: DemoSeizure) => {
    const input: SeizureInput = { ...seizure.input };
    if (seizure.namedUsers) input.releasableToUsers = await Promise.all(seizure.namedUsers.map(userId));
    if (seizure.operation && options.caribbeanShieldId) input.operationId = options.caribbeanShieldId;
    const key = `${seizure.agency}/${input.reference}`;
    try {
      await submissions.submit(await contextFor(seizure.agency), input);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      result.conflicting.push(key);
      return;
    }
    if (present.has(key)) result.existing += 1;
    else result.submitted += 1;
  };
  // One at a time: the audit chain appends serially anyway, and the embedded database (PGlite
  // behind pglite-socket) mixes up concurrent extended-protocol queries from several connections.
  for (const seizure of dataset.seizures) await submitOne(seizure);
  result.elapsedMs = Math.round(performance.now() - started);
  return result;
}

export function formatDemoSeizureSummary(result: DemoSeizureSeedResult): string {
  const conflicts = result.conflicting.length ? `, ${result.conflicting.length} left alone (reference used by other content)` : '';
  return `demo seizures: ${result.submitted} added, ${result.existing} already present${conflicts}; ${result.total} in all, ` +
    `${result.caribbeanShield} of ${CARIBBEAN_SHIELD.name} (${(result.elapsedMs / 1000).toFixed(1)}s)`;
}
