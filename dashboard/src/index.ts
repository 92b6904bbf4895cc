export { ROLES, type Role } from './auth/roles.js';
export { hashSecret, verifySecret } from './auth/secrets.js';
export { UserStore } from './auth/users.js';
export type { EmbeddedBroker, EmbeddedBrokerOptions } from './broker/embedded.js';
export { startEmbeddedBroker } from './broker/embedded.js';
export { buildCli, formatCliError, runCli } from './cli.js';
export {
  DASHBOARD_CONFIG_VERSION,
  type DashboardConfig,
  DashboardConfigSchema,
  type EmbeddedBrokerConfig,
  type ExternalBrokerConfig,
  loadDashboardConfig,
  type UnitConfig,
  validateDashboardConfig,
} from './config.js';
export { type DashboardOptions, type RunningDashboard, startDashboard } from './dashboard.js';
export { DashboardError, DashboardErrorCode, isDashboardError } from './errors.js';
export type { DropReason, Ingest, IngestOptions, IngestStats } from './ingest/ingest.js';
export { startIngest } from './ingest/ingest.js';
export { createLogger } from './logger.js';
export { openSqliteStore, openStore, type StoreLocation } from './store/open.js';
export { SqlFleetStore } from './store/sql-store.js';
export type {
  BatterySummary,
  DeltaInsertResult,
  FleetStore,
  InsertResult,
  UnitDefinition,
  UnitState,
  UnitSummary,
} from './store/types.js';
