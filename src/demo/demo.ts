import type { INestApplicationContext } from '@nestjs/common';
import { completeDemoOperation, formatDemoOperationSummary, prepareDemoOperation, type DemoOperationResult } from './demo-operation.js';
import { DEMO_ANCHOR, formatDemoSeizureSummary, generateDemoDataset, seedDemoSeizures, type DemoSeizureSeedResult } from './demo-seizures.js';
import { demoKeysAlreadyShown, formatDemoCredentials, markDemoKeysShown, seedDemoUsers, type DemoCredential } from './demo-users.js';

export interface DemoSeedResult {
  credentials: DemoCredential[];
  seizures: DemoSeizureSeedResult;
  /** Null when the operation was closed: it is left as it is. */
  operation: DemoOperationResult | null;
}

/**
 * The whole demo, in the order it happens in life: users, Operation Caribbean Shield set up and
 * started, seizure reports (the operation's reported under it), then the operation's follow-up
 * with its compiled and published report. Idempotent.
 */
export async function seedDemo(
  app: INestApplicationContext,
  options: { anchor?: Date; show?: (credentials: DemoCredential[]) => void } = {},
): Promise<DemoSeedResult> {
  const anchor = options.anchor ?? DEMO_ANCHOR;
  const credentials = await seedDemoUsers(app);
  // Shown before the long part (reports, the operation), and marked shown only once printed.
  options.show?.(credentials);
  await markDemoKeysShown(app, credentials);
  const shield = generateDemoDataset(anchor).caribbeanShield;
  const operation = await prepareDemoOperation(app, shield);
  const seizures = await seedDemoSeizures(app, { anchor, caribbeanShieldId: operation?.id });
  return { credentials, seizures, operation: operation ? await completeDemoOperation(app, shield, operation) : null };
}

/** What the CLI prints: the API keys of new demo users (once), then what was loaded. */
export function formatDemoSeedResult(result: DemoSeedResult, baseUrl: string): string {
  return [
    formatDemoCredentials(result.credentials, baseUrl) || demoKeysAlreadyShown(),
    formatDemoSeizureSummary(result.seizures),
    formatDemoOperationSummary(result.operation),
  ].join('\n');
}

/** What was loaded, after the keys (which `seedDemo` shows as soon as they exist). */
export function formatDemoLoaded(result: DemoSeedResult): string {
  return [formatDemoSeizureSummary(result.seizures), formatDemoOperationSummary(result.operation)].join('\n');
}
