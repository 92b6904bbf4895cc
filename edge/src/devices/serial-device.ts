import {
  type ByteTransport,
  type DeviceState,
  listenOnly,
  type PortState,
  PortSupervisor,
  type Sample,
  type SupervisedDevice,
  type Unsubscribe,
} from '@triporteur/firmware-bridge';
import { attachDriver, type SerialDeviceConfig } from './drivers.js';
import { DeviceOutput, deviceStateOf } from './output.js';
import type { DeviceDeps, DeviceHandle, DeviceHandleEvents, DeviceKind, DeviceOptions } from './types.js';

export interface SerialDeviceSpec {
  kind: DeviceKind;
  config: SerialDeviceConfig;
  staleAfterMs: number;
  gate(sample: Sample): Sample;
}

/** Display lines the Pi must never drive: their drivers, and a raw capture, only get listenOnly(). */
const LISTEN_ONLY = new Set(['kt', 'bafang']);

/**
 * One device on a serial line, behind a PortSupervisor: the line is reopened with backoff when the
 * adapter is missing or vanishes, and each (re)open gets a fresh driver.
 */
export class SerialDevice implements DeviceHandle {
  private readonly output: DeviceOutput;
  private readonly listenOnly: boolean;
  private supervisor: PortSupervisor<SupervisedDevice> | undefined;
  private line: ByteTransport | undefined;
  private detach: Unsubscribe | undefined;

  constructor(
    private readonly spec: SerialDeviceSpec,
    private readonly deps: DeviceDeps,
    private readonly backoff: DeviceOptions['backoff'],
  ) {
    this.output = new DeviceOutput(spec.kind, spec.config.type, deps, spec.staleAfterMs, spec.gate);
    this.listenOnly = LISTEN_ONLY.has(spec.config.type);
  }

  get kind(): DeviceKind {
    return this.spec.kind;
  }

  get type(): string {
    return this.spec.config.type;
  }

  get state(): DeviceState {
    return deviceStateOf(this.output.portState);
  }

  get portState(): PortState {
    return this.output.portState;
  }

  get lastSample(): Sample | undefined {
    return this.output.lastSample;
  }

  transport(): ByteTransport | undefined {
    const line = this.line;
    if (line === undefined || !line.isOpen) return undefined;
    return this.listenOnly ? listenOnly(line) : line;
  }

  on<K extends keyof DeviceHandleEvents>(event: K, listener: (...args: DeviceHandleEvents[K]) => void): Unsubscribe {
    return this.output.on(event, listener);
  }

  /** Starts supervising; with failFast, the first open happens here and its failure rejects. */
  async start(options: { failFast?: boolean } = {}): Promise<void> {
    if (this.supervisor !== undefined) return;
    const { path, baudRate } = this.spec.config;
    let opened = options.failFast ? await this.deps.openSerial({ path, baudRate }) : undefined;
    const supervisor = new PortSupervisor<SupervisedDevice>({
      path,
      baudRate,
      clock: this.deps.clock,
      ...(this.backoff === undefined ? {} : { backoff: this.backoff }),
      open: (options) => {
        // The fail-fast open already happened: hand that line over instead of opening it twice.
        const first = opened;
        opened = undefined;
        return first === undefined ? this.deps.openSerial(options) : Promise.resolve(first);
      },
      attach: (transport) => {
        this.line = transport;
        const driverSide = this.listenOnly ? listenOnly(transport) : transport;
        return attachDriver(this.spec.config, driverSide, this.deps.clock, this.output);
      },
    });
    this.supervisor = supervisor;
    this.detach = supervisor.on('state', (state, _previous, reason) => this.output.state(state, reason));
    supervisor.start();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const supervisor = this.supervisor;
    if (supervisor === undefined) return;
    this.supervisor = undefined;
    await supervisor.stop();
    this.detach?.();
    this.detach = undefined;
    this.line = undefined;
    this.output.state('stopped');
    this.output.reset();
  }
}
