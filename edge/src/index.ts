export { buildApp, type EdgeApp, type EdgeStatus } from './app.js';
export { describeFailure, EXIT } from './cli/report.js';
export { loadEdgeConfig, validateEdgeConfig } from './config/load.js';
export { CONFIG_VERSION, type EdgeConfig, EdgeConfigSchema } from './config/schema.js';
export { EdgeError, EdgeErrorCode, isEdgeError } from './errors.js';
export type { Host } from './host.js';
export { nodeHost } from './host-node.js';
export { createLogger } from './logger.js';
export { type SimulatedTricycle, startSimulatedTricycle, type TricycleSpec } from './simulation/tricycle.js';
