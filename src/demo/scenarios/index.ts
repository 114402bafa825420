import { ALCOHOL_SCENARIOS } from './alcohol.js';
import { ARMS_SCENARIOS } from './arms.js';
import { CANNABIS_SCENARIOS } from './cannabis.js';
import { COCAINE_SCENARIOS } from './cocaine.js';
import { COUNTERFEIT_GOODS_SCENARIOS } from './counterfeit-goods.js';
import { CULTURAL_OBJECTS_SCENARIOS } from './cultural-objects.js';
import { CURRENCY_SCENARIOS } from './currency.js';
import { FUEL_SCENARIOS } from './fuel.js';
import { HEROIN_SCENARIOS } from './heroin.js';
import { MEDICINES_SCENARIOS } from './medicines.js';
import { OZONE_DEPLETING_SUBSTANCES_SCENARIOS } from './ozone-depleting-substances.js';
import { PRECURSORS_SCENARIOS } from './precursors.js';
import { SYNTHETIC_DRUGS_SCENARIOS } from './synthetic-drugs.js';
import { TOBACCO_SCENARIOS } from './tobacco.js';
import { WILDLIFE_SCENARIOS } from './wildlife.js';
import type { Scenario } from './scenario.js';

export { CONVEYANCES, type Conveyance, type Draft, type PlaceKind, type Scenario, type ScenarioContext } from './scenario.js';

/**
 * Every demo seizure scenario, one file per commodity. The order is part of the demo data: the
 * generator draws from this list with a seeded random, so reordering it changes every seizure.
 */
export const SCENARIOS: readonly Scenario[] = [
  ...COCAINE_SCENARIOS,
  ...CANNABIS_SCENARIOS,
  ...SYNTHETIC_DRUGS_SCENARIOS,
  ...HEROIN_SCENARIOS,
  ...ARMS_SCENARIOS,
  ...TOBACCO_SCENARIOS,
  ...CURRENCY_SCENARIOS,
  ...WILDLIFE_SCENARIOS,
  ...COUNTERFEIT_GOODS_SCENARIOS,
  ...MEDICINES_SCENARIOS,
  ...ALCOHOL_SCENARIOS,
  ...FUEL_SCENARIOS,
  ...PRECURSORS_SCENARIOS,
  ...CULTURAL_OBJECTS_SCENARIOS,
  ...OZONE_DEPLETING_SUBSTANCES_SCENARIOS,
];
