/** Technician commands over MQTT (cmd/<name> → reply/<name>) and the retained birth message. */
export { type BirthInput, buildBirth, canonicalJson, configHash } from './birth.js';
export {
  checkConfigValue,
  configKeyInfo,
  configValueAt,
  REDACTED,
  restartFor,
  SECRET_CONFIG_KEYS,
  withoutSecrets,
} from './config-keys.js';
export type { CaptureInfo, CommandContext, DiagnosticCheck } from './handlers.js';
export { type CommandClient, type CommandMessageListener, CommandRouter, type CommandRouterOptions } from './router.js';
