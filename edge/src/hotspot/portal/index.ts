/**
 * The resident-facing captive portal (issue 5): probes, pages, the "Se connecter" action and the
 * RFC 8908 API, over an injected SessionGate. See docs in each module; the edge mounts it with
 * startPortal().
 */
export { CAPTIVE_JSON, type CaptiveApiBody } from './api.js';
export { ERROR_CODE_HEADER, PortalError, PortalErrorCode } from './codes.js';
export {
  DEFAULT_PUBLIC_SERVICES,
  PORTAL_LANGUAGES,
  type PortalConfig,
  PortalConfigSchema,
  type PortalLanguage,
  validatePortalConfig,
} from './config.js';
export { buildPortal, type Portal, type PortalOptions, type RunningPortal, startPortal } from './portal.js';
export { PROBES, type Probe } from './probes.js';
export { QUESTIONS, type QuestionnaireTotals } from './questionnaire.js';
