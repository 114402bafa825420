import type { MigrationInterface } from 'typeorm';
import { Foundation1795475357040 } from './1795475357040-foundation.js';

/** Every migration, oldest first. `migration-tools generate Name` writes a new one to add here. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [Foundation1795475357040];
