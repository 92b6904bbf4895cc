/**
 * The edge's device-source layer: each configured serial or network device behind its
 * firmware-bridge driver, supervised, gated and emitting normalized samples and link states.
 */
export * from './config.js';
export {
  createDevices,
  type DeviceSet,
  type DeviceSetEvents,
  type DevicesConfig,
  startDevices,
} from './device-set.js';
export { deviceStateOf } from './output.js';
export { createDevice, startDevice } from './start.js';
export type {
  DeviceDeps,
  DeviceEvent,
  DeviceHandle,
  DeviceHandleEvents,
  DeviceKind,
  DeviceOptions,
  StartOptions,
} from './types.js';
