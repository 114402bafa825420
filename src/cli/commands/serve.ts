import 'reflect-metadata';
import { startServer } from '../../app/server.js';
import { describeConfig, loadConfig } from '../../config/app-config.js';
import { seedDemo } from '../../demo/demo.js';
import { demoKeysAlreadyShown, type DemoCredential } from '../../demo/demo-users.js';
import { JsonLogger } from '../../observability/json-logger.js';
import type { Print } from '../print.js';
import { closeOnSignal, drainMs, failStart, jsonProcessOutput } from './long-running.js';

/** `serve --demo`: the demo keys as JSON lines on stdout, printed once (see seedDemoUsers). */
function showDemoKeysAsJson(credentials: DemoCredential[], url: string, print: Print): void {
  const time = new Date().toISOString();
  if (credentials.length === 0) {
    print(JSON.stringify({ time, level: 'info', msg: demoKeysAlreadyShown() }));
    return;
  }
  for (const c of credentials) {
    print(JSON.stringify({ time, level: 'info', msg: 'demo API key (shown only this once)', email: c.email, agency: c.agencyCode, roles: c.roles, apiKey: c.apiKey }));
  }
  print(JSON.stringify({ time, level: 'info', msg: 'try the demo', graphiql: `${url}/graphql`, hint: 'put a key in GraphiQL\'s Headers tab as {"Authorization": "Bearer wwk_…"}' }));
}

/** `windward serve`: the API, and the workers unless `--no-worker`. */
export async function serve(options: { worker: boolean; demo?: boolean }, print: Print): Promise<void> {
  try {
    const config = loadConfig();
    const logger = new JsonLogger(config.log.level);
    jsonProcessOutput(logger);
    const server = await startServer(config, { worker: options.worker, exclusiveDataDir: true });
    server.runtime.logger.event('info', 'configuration', describeConfig(config));
    closeOnSignal(logger, () => server.close({ drainMs: drainMs(config.server.shutdownTimeoutMs) }), config.server.shutdownTimeoutMs);
    if (options.demo) {
      const result = await seedDemo(server.app, { show: (credentials) => showDemoKeysAsJson(credentials, server.url, print) });
      logger.event('info', 'demo loaded', { seizures: result.seizures.total, submitted: result.seizures.submitted, existing: result.seizures.existing, operation: result.operation?.status ?? null });
    }
  } catch (error) {
    failStart(error);
  }
}
