import { ALERT_MIGRATIONS } from '../alerts/migrations.js';
import { AUTH_MIGRATIONS } from '../auth/migrations.js';
import { FLEET_MIGRATIONS } from '../fleet/fleet-migrations.js';
import { REPORT_MIGRATIONS, REPORT_RETENTION_TARGETS } from '../reports/migrations.js';
import { CORE_MIGRATIONS } from './migrations.js';
import { CORE_RETENTION_TARGETS, type RetentionTarget } from './retention.js';
import type { Migration } from './sql/types.js';

/** Every migration the dashboard runs: the core's, then each feature's range (see migrations.ts). */
export const ALL_MIGRATIONS: readonly Migration[] = [
  ...CORE_MIGRATIONS,
  ...FLEET_MIGRATIONS,
  ...ALERT_MIGRATIONS,
  ...AUTH_MIGRATIONS,
  ...REPORT_MIGRATIONS,
];

/** Every table retention.ts purges, with its data class. */
export const ALL_RETENTION_TARGETS: readonly RetentionTarget[] = [
  ...CORE_RETENTION_TARGETS,
  { table: 'command_audit', timeColumn: 'ts', dataClass: 'aggregate' },
  { table: 'stops', timeColumn: 'end_ts', dataClass: 'aggregate' },
  { table: 'outings', timeColumn: 'end_ts', dataClass: 'aggregate' },
  // Zone crossings say where a tricycle was: they go with the positions.
  { table: 'zone_events', timeColumn: 'ts', dataClass: 'position' },
  { table: 'alerts', timeColumn: 'last_at', dataClass: 'aggregate' },
  ...REPORT_RETENTION_TARGETS,
];
