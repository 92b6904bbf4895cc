import {
  type ByteTransport,
  type DeviceState,
  GpsdClient,
  type PortState,
  type Sample,
  type Unsubscribe,
} from '@triporteur/firmware-bridge';
import type { GpsdGpsConfig } from './config.js';
import { DeviceOutput } from './output.js';
import type { DeviceDeps, DeviceHandle, DeviceHandleEvents, DeviceOptions } from './types.js';

/** gpsd's own link states, in the port vocabulary: while the client (re)connects, the "port" is opening. */
function portStateOf(state: DeviceState): PortState {
  return state === 'connecting' ? 'opening' : state;
}

/**
 * The GPS through gpsd over TCP. GpsdClient reconnects with its own backoff, so there is no
 * serial line to supervise and no transport to capture.
 */
export class GpsdDevice implements DeviceHandle {
  readonly kind = 'position' as const;
  readonly type = 'gpsd';
  private readonly output: DeviceOutput;
  private client: GpsdClient | undefined;

  constructor(
    private readonly config: GpsdGpsConfig,
    private readonly deps: DeviceDeps,
    private readonly backoff: DeviceOptions['backoff'],
    staleAfterMs: number,
    gate: (sample: Sample) => Sample,
  ) {
    this.output = new DeviceOutput('position', 'gpsd', deps, staleAfterMs, gate);
  }

  get state(): DeviceState {
    return this.client?.state ?? 'stopped';
  }

  get portState(): PortState {
    return this.output.portState;
  }

  get lastSample(): Sample | undefined {
    return this.output.lastSample;
  }

  transport(): ByteTransport | undefined {
    return undefined;
  }

  on<K extends keyof DeviceHandleEvents>(event: K, listener: (...args: DeviceHandleEvents[K]) => void): Unsubscribe {
    return this.output.on(event, listener);
  }

  /** gpsd has its own reconnect loop and nothing to fail fast on: a missing daemon shows as connecting. */
  async start(): Promise<void> {
    if (this.client !== undefined) return;
    const client = new GpsdClient({
      host: this.config.host,
      port: this.config.port,
      device: this.config.device,
      clock: this.deps.clock,
      reconnectMinMs: this.backoff?.initialMs,
      reconnectMaxMs: this.backoff?.maxMs,
    });
    this.client = client;
    client.on('sample', (sample) => this.output.sample(sample));
    client.on('error', (error) => this.output.event({ type: 'error', error }));
    client.on('state', (state) => this.output.state(portStateOf(state)));
    client.start();
    // The client starts out 'connecting' and says nothing until that changes.
    this.output.state(portStateOf(client.state));
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    await client.stop();
    this.client = undefined;
    this.output.reset();
  }
}
