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
    const running = await startWorker(config, logger);
    closeOnSignal(logger, () => running.close(), config.server.shutdownTimeoutMs);
  } catch (error) {
    failStart(error);
  }
}
