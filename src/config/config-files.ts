import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { parsePolicyDocument, type PolicyDocument } from '../access/policy-document.js';
import { ConfigError } from './config-error.js';
import { parseExchangeRates, type ExchangeRates } from './exchange-rates.js';

/** The data files of config/ that the running service is built from, read and checked once at boot. */
export interface ConfigFiles {
  policies: PolicyDocument;
  exchangeRates: ExchangeRates;
}

/**
 * Reads and validates config/policies.yaml and config/exchange-rates.yaml. A missing, unreadable
 * or invalid file throws a ConfigError with one line naming the file and what is wrong, so the
 * start fails before anything is opened (instead of at the first request that needs it).
 */
export function loadConfigFiles(configDirectory: string): ConfigFiles {
  return {
    policies: readDataFile(path.join(configDirectory, 'policies.yaml'), parsePolicyDocument),
    exchangeRates: readDataFile(path.join(configDirectory, 'exchange-rates.yaml'), parseExchangeRates),
  };
}

function readDataFile<T>(file: string, parse: (document: unknown, file: string) => T): T {
  let document: unknown;
  try {
    document = YAML.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file is missing' : (error as Error).message.split('\n')[0];
    throw new ConfigError(`Invalid configuration file ${file}: ${reason}`);
  }
  try {
    return parse(document, file);
  } catch (error) {
    throw new ConfigError(`Invalid configuration file ${(error as Error).message.split('\n')[0]}`);
  }
}
