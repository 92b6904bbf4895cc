import {
  DEFAULT_BATTERY_LIMITS,
  firmata,
  gateBattery,
  gateMotor,
  gatePosition,
  type Sample,
} from '@triporteur/firmware-bridge';
import { type DeviceConfigs, deviceConfig } from './config.js';
import { auxBoardOptions } from './drivers.js';
import { GpsdDevice } from './gpsd-device.js';
import { SerialDevice } from './serial-device.js';
import type { DeviceDeps, DeviceHandle, DeviceKind, DeviceOptions, StartOptions } from './types.js';

/** Never call a sample stale sooner than this: a slow poll must not make every value flap. */
const MIN_STALE_MS = 3000;

/** How old a sample may grow before it is repeated as 'stale': three missed updates. */
function staleAfterMs(config: DeviceConfigs[DeviceKind]): number {
  switch (config.type) {
    case 'jbd':
    case 'daly':
    case 'vesc':
      return Math.max(MIN_STALE_MS, 3 * config.pollIntervalMs);
    case 'firmata':
      return Math.max(MIN_STALE_MS, 3 * config.sampleIntervalMs);
    // Display lines talk several times a second, GPS receivers once.
    default:
      return 5000;
  }
}

/** The bridge's plausibility gates: implausible values are kept but marked 'out-of-range'. */
function gateFor(config: DeviceConfigs[DeviceKind]): (sample: Sample) => Sample {
  const limits =
    'cells' in config && config.cells !== undefined
      ? { ...DEFAULT_BATTERY_LIMITS, expectedCells: config.cells }
      : DEFAULT_BATTERY_LIMITS;
  return (sample) => {
    switch (sample.kind) {
      case 'battery':
        return gateBattery(sample, limits);
      case 'motor':
        return gateMotor(sample);
      case 'position':
        return gatePosition(sample);
      default:
        // The aux board flags its own implausible readings (batteryV range, thermistor faults).
        return sample;
    }
  };
}

/**
 * The handle of one configured device, not started yet: subscribe, then `start()`. A section that
 * breaks its schema throws EDG_CONFIG_INVALID here, before anything opens.
 */
export function createDevice<K extends DeviceKind>(
  kind: K,
  input: DeviceConfigs[K],
  deps: DeviceDeps,
  options: DeviceOptions = {},
): DeviceHandle {
  const config = checkedConfig(kind, input);
  if (config.type === 'gpsd') {
    return new GpsdDevice(config, deps, options.backoff, staleAfterMs(config), gateFor(config));
  }
  return new SerialDevice(
    { kind, config, staleAfterMs: staleAfterMs(config), gate: gateFor(config) },
    deps,
    options.backoff,
  );
}

/**
 * Opens one configured device and keeps it running (createDevice, then start). Its first link
 * state is already past when this resolves: read `handle.state`, or use createDevice to hear it.
 */
export async function startDevice<K extends DeviceKind>(
  kind: K,
  input: DeviceConfigs[K],
  deps: DeviceDeps,
  options: StartOptions = {},
): Promise<DeviceHandle> {
  const device = createDevice(kind, input, deps, options);
  await device.start({ failFast: options.failFast ?? false });
  return device;
}

/** Defaults filled, the schema checked, and what the schema cannot say checked by the bridge itself. */
export function checkedConfig<K extends DeviceKind>(kind: K, input: DeviceConfigs[K]): DeviceConfigs[DeviceKind] {
  const config: DeviceConfigs[DeviceKind] = deviceConfig(kind, input);
  // Drivers are built inside the supervisor's reopen loop, where a throw would reach nobody.
  if (config.type === 'firmata') firmata.resolveAuxBoardOptions(auxBoardOptions(config));
  return config;
}
