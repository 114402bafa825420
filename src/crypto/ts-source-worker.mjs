// Bootstrap of a worker thread started from TypeScript sources (Jest with @swc/jest, where no
// compiled .js exists beside the pool): registers the loader hooks that compile .ts as it is
// imported, then loads the worker's TypeScript entry. From dist/ the compiled entry runs directly.
import { register } from 'node:module';
import { workerData } from 'node:worker_threads';

register('./ts-source-hooks.mjs', import.meta.url);
await import(workerData.tsEntry);
