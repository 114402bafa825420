import 'reflect-metadata';
import { startWorker } from '../../app/worker.js';
import { loadConfig } from '../../config/app-config.js';
import { JsonLogger } from '../../observability/json-logger.js';
import { closeOnSignal, failStart, jsonProcessOutput } from './long-running.js';

/** `windward worker`: the job workers only, with GET /health on WORKER_HEALTH_PORT. */
export async function worker(): Promise<void> {
  try {
    const config = loadConfig();
    const logger = new JsonLogger(config.log.level);
    jsonProcessOutput(logger);
    // Using a server's embedded database, and it stopped: exit so that a restart policy starts
    // this worker again, to run the database itself or use the next server's. Its unfinished jobs
    // are retried.
    const running = await startWorker(config, logger, {
      onDatabaseHostLost: (error) => {
        logger.event('error', 'the embedded database went away', { reason: error.message });
        process.exit(1);
      },
    });
    closeOnSignal(logger, () => running.close(), config.server.shutdownTimeoutMs);
  } catch (error) {
    failStart(error);
  }
}
