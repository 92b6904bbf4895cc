export { type PrivacyConfig, PrivacyConfigSchema, WEEKDAYS, type WorkingPeriod } from './config.js';
export {
  LocationPrivacy,
  type LocationPrivacyOptions,
  type LocationPrivacyState,
  type PauseSource,
  PRIVACY_STATE_ERROR,
} from './location-privacy.js';
export { WorkingHours } from './working-hours.js';
