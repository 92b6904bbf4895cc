import { AUTH_MIGRATIONS } from '../auth/migrations.js';
import { CORE_MIGRATIONS } from './migrations.js';
import type { Migration } from './sql/types.js';

/** Every migration the dashboard runs: the core's, then each feature's range (see migrations.ts). */
export const ALL_MIGRATIONS: readonly Migration[] = [...CORE_MIGRATIONS, ...AUTH_MIGRATIONS];
