import { readAgencyFile, seedAgencies } from '../agencies/agency-seeder.js';
import { configDir } from '../config/app-config.js';
import type { PlatformRuntime } from './platform-runtime.js';

/** Loads the reference agencies from config/agencies.yaml; safe to run at every start. */
export async function seedReferenceData(runtime: PlatformRuntime): Promise<{ inserted: number; updated: number }> {
  const result = await seedAgencies(runtime.dataSource, readAgencyFile(configDir()));
  if (result.inserted > 0) runtime.logger.event('info', 'reference agencies loaded', result);
  return result;
}
