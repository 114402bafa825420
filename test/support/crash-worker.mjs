// A worker process that takes one job and dies in the middle of it, as a crashed worker would.
// Used by test/medium/jobs.medium-spec.ts; runs the built code (npm test builds first).
import { openQueueBackend } from '../../dist/src/jobs/queue-backend.js';

const options = JSON.parse(process.env.CRASH_WORKER_OPTIONS);
const backend = await openQueueBackend(options);
backend.createWorker(
  async () => {
    process.stdout.write('took job\n');
    setTimeout(() => process.exit(1), 50); // no cleanup, no lock release: a crash
    await new Promise(() => undefined);
  },
  { concurrency: 1, lockDuration: 2000, stalledInterval: 1000 },
);
