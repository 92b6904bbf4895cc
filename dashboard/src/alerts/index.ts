export {
  type Alert,
  type AlertChange,
  type AlertOutcome,
  AlertStore,
  HISTORY_STATES,
  type HistoryPage,
  type HistoryQuery,
  type HistoryState,
} from './alert-store.js';
export { AlertEngine, type AlertEngineDeps, type AlertListener } from './alerts.js';
export {
  type AlertsConfig,
  AlertsConfigSchema,
  alertsConfigProblems,
  DEFAULT_ALERTS_CONFIG,
  type EmailConfig,
  type NotifyConfig,
  type WebhookConfig,
} from './config.js';
export { AlertError, AlertErrorCode, isAlertError } from './errors.js';
export { ALERT_MIGRATIONS } from './migrations.js';
export { Notifier, type NotifierDeps } from './notify.js';
export { evaluatePresence, evaluateState, evaluateZoneEvent, LOCATION_KINDS, type StateChange } from './rules.js';
export * from './types.js';
export { DELIVERY_HEADER, SIGNATURE_HEADER, signBody } from './webhook.js';
