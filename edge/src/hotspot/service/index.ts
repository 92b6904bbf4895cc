/**
 * The hotspot joined into one service for the edge app: system layer, sessions and portal, started and
 * stopped in order (startHotspotService), and the system services' files for the installer.
 */
export { FirewallPortAdapter, HostapdStations, LeaseEventsSource } from './adapters.js';
export { HotspotServiceError, HotspotServiceErrorCode } from './errors.js';
export { type HotspotFiles, renderHotspotFiles } from './files.js';
export { type HotspotService, type HotspotServiceOptions, startHotspotService } from './hotspot-service.js';
export {
  type ChannelSource,
  type RadioChannel,
  type RadioChannelOptions,
  settleRadioChannel,
} from './radio-channel.js';
