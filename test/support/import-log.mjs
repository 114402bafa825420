// `node --import ./test/support/import-log.mjs …` appends the URL of every module the process
// loads, one a line, to the file named by IMPORT_LOG. Used by test/cli-startup.e2e-spec.ts.
import { register } from 'node:module';

register('./import-log-hooks.mjs', import.meta.url);
