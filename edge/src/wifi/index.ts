export { type CapacityOptions, CEILINGS, detectWifiCapacity, type WifiCapacity } from './capacity.js';
export {
  checkDepotSection,
  type DepotSection,
  DepotSectionSchema,
  depotInterfaceOf,
  validateDepotSection,
} from './config.js';
export { DepotArea, type DepotAreaConfig, type DepotFix } from './depot-area.js';
export {
  DepotLink,
  type DepotLinkOptions,
  type DepotState,
  type DepotTransition,
  type RadioHandover,
  type Uplink,
} from './depot-link.js';
export { type DepotService, type DepotServiceDeps, depotFixOf, startDepotLink } from './depot-service.js';
export { isWifiError, WifiError, WifiErrorCode } from './errors.js';
export type { FirmwareInUse, FirmwareVariant } from './firmware.js';
export { createNmcliWifi, DEPOT_CONNECTION, DEPOT_ROUTE_METRIC, type NmcliWifiOptions } from './nmcli.js';
export { createSharedRadioHandover, type SharedRadioOptions } from './radio-handover.js';
export { chooseChannel, runSiteSurvey, type SiteSurvey, SURVEY_CHANNELS, scoreChannel } from './survey.js';
export type { DepotNetwork, ScannedNetwork, ScanResult, WifiControl } from './wifi-control.js';
