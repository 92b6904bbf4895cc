import {
  type BatterySample,
  type BridgeError,
  crossCheck,
  DEFAULT_TOLERANCES,
  type DeviceState,
  type MotorSample,
  type PortState,
  type Sample,
  TypedEvents,
  type Unsubscribe,
} from '@triporteur/firmware-bridge';
import type { AuxDeviceConfig, BmsDeviceConfig, GpsDeviceConfig, MotorDeviceConfig } from './config.js';
import { createDevice } from './start.js';
import type { DeviceDeps, DeviceEvent, DeviceHandle, DeviceKind, DeviceOptions } from './types.js';

/** The device sections of the edge config; only the BMS is required. */
export interface DevicesConfig {
  bms: BmsDeviceConfig;
  motor?: MotorDeviceConfig;
  gps?: GpsDeviceConfig;
  aux?: AuxDeviceConfig;
}

export type DeviceSetEvents = {
  sample: [sample: Sample];
  state: [kind: DeviceKind, state: DeviceState, portState: PortState, reason?: BridgeError];
  event: [kind: DeviceKind, event: DeviceEvent];
};

export interface DeviceSet {
  /** The configured devices, BMS first. */
  readonly devices: readonly DeviceHandle[];
  get(kind: DeviceKind): DeviceHandle | undefined;
  on<K extends keyof DeviceSetEvents>(event: K, listener: (...args: DeviceSetEvents[K]) => void): Unsubscribe;
  /**
   * Starts the BMS first, then every other device, each supervised on its own: a GPS missing at
   * boot shows as connecting / unplugged and is picked up when its port appears. With `failFast`,
   * a BMS that cannot be opened rejects (BRG_PORT_OPEN, app.ts makes it EDG_SERIAL_OPEN) and
   * nothing else is started.
   */
  start(options?: { failFast?: boolean }): Promise<void>;
  /** Stops every device; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The configured devices as one set, not started: subscribe, then `start()`. Samples and link
 * states of every device come through the set; BMS and controller readings are cross-checked, and
 * a change in their disagreement is a motor event. Every section is checked here
 * (EDG_CONFIG_INVALID), before any port opens.
 */
export function createDevices(config: DevicesConfig, deps: DeviceDeps, options: DeviceOptions = {}): DeviceSet {
  const devices: DeviceHandle[] = [createDevice('battery', config.bms, deps, options)];
  if (config.motor) devices.push(createDevice('motor', config.motor, deps, options));
  if (config.gps) devices.push(createDevice('position', config.gps, deps, options));
  if (config.aux) devices.push(createDevice('aux', config.aux, deps, options));
  return new DeviceGroup(devices);
}

/** createDevices, then start: the first link states are past when it resolves (read each `state`). */
export async function startDevices(
  config: DevicesConfig,
  deps: DeviceDeps,
  options: DeviceOptions & { failFast?: boolean } = {},
): Promise<DeviceSet> {
  const set = createDevices(config, deps, options);
  await set.start({ failFast: options.failFast ?? false });
  return set;
}

class DeviceGroup implements DeviceSet {
  private readonly events = new TypedEvents<DeviceSetEvents>();
  private latest: { battery?: BatterySample; motor?: MotorSample } = {};
  private mismatchKey = '';

  constructor(readonly devices: readonly DeviceHandle[]) {
    for (const device of devices) {
      device.on('sample', (sample) => {
        this.events.emit('sample', sample);
        this.crossCheck(sample);
      });
      device.on('state', (state, port, reason) => this.events.emit('state', device.kind, state, port, reason));
      device.on('event', (event) => this.events.emit('event', device.kind, event));
    }
  }

  get(kind: DeviceKind): DeviceHandle | undefined {
    return this.devices.find((device) => device.kind === kind);
  }

  on<K extends keyof DeviceSetEvents>(event: K, listener: (...args: DeviceSetEvents[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  async start(options: { failFast?: boolean } = {}): Promise<void> {
    const [bms, ...others] = this.devices;
    await bms?.start(options);
    await Promise.all(others.map((device) => device.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.devices.map((device) => device.stop()));
    this.latest = {};
    this.mismatchKey = '';
  }

  /** The BMS is the reference; the controller's own current and voltage readings are checked against it. */
  private crossCheck(sample: Sample): void {
    if (sample.kind === 'battery') this.latest.battery = sample;
    else if (sample.kind === 'motor') this.latest.motor = sample;
    else return;
    const { battery, motor } = this.latest;
    // Readings too far apart say nothing about each other (and a stale repeat keeps its old time).
    if (!battery || !motor || Math.abs(battery.at - motor.at) > DEFAULT_TOLERANCES.maxSkewMs) return;
    const mismatches = crossCheck(battery, motor);
    const key = mismatches.map((m) => m.name).join(',');
    if (key === this.mismatchKey) return;
    this.mismatchKey = key;
    // Reported by the motor: the controller's reading is the one compared.
    this.events.emit('event', 'motor', { type: 'mismatch', mismatches });
  }
}
