import { AgencyEntity } from '../agencies/agency.entity.js';
import { ApiKeyEntity } from '../auth/api-key.entity.js';
import { UserEntity } from '../users/user.entity.js';

/** Every TypeORM entity; the migrations in migrations/ must produce exactly these tables. */
export const ENTITIES = [AgencyEntity, UserEntity, ApiKeyEntity];
