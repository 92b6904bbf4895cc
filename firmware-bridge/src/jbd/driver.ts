import { type Clock, systemClock } from '../clock.js';
import { asLinkError, PollingLink } from '../driver/polling-link.js';
import { BridgeError, BridgeErrorCode, isBridgeError } from '../errors.js';
import { TypedEvents, type Unsubscribe } from '../events.js';
import type { BatterySample, DeviceState } from '../samples.js';
import type { ByteTransport } from '../transport/transport.js';
import {
  decodeResponse,
  encodeReadRequest,
  JBD_ACTION_READ,
  JBD_ACTION_WRITE,
  JbdRegister,
  type JbdResponse,
} from './codec.js';
import { JbdFrameSplitter, type SplitDiscard } from './frame.js';
import { toBatterySample } from './sample.js';

/**
 * Polls a JBD BMS over any byte transport: 0x03 then 0x04 each cycle, one BatterySample per
 * cycle, explicit link state, and every discarded byte reported. Timers only through the Clock.
 */
export interface JbdDriverOptions {
  transport: ByteTransport;
  clock?: Clock;
  pollIntervalMs?: number;
  responseTimeoutMs?: number;
  /** Also read register 0x04 (cell voltages) each cycle. */
  readCells?: boolean;
  /** Consecutive failed cycles before the link is called 'asleep' (or 'silent' if it never answered). */
  failedCyclesBeforeOffline?: number;
}

// A type alias, not an interface: an interface would need an index signature to fit EventMap,
// and that would let `on('anything')` compile.
export type JbdDriverEvents = {
  sample: [sample: BatterySample];
  state: [state: DeviceState, previous: DeviceState];
  discard: [discard: SplitDiscard];
  /** Problems worth a warning. Timeouts are not reported here: they show as state changes. */
  error: [error: BridgeError];
};

export interface JbdDriverStats {
  cycles: number;
  failedCycles: number;
  samples: number;
  requests: number;
  retries: number;
  timeouts: number;
  deviceErrors: number;
  decodeErrors: number;
  /** Frames nobody was waiting for (late answers after a timeout, unknown registers). */
  unexpectedFrames: number;
  /** Our own requests read back, as half-duplex RS485 adapters do. */
  echoes: number;
  frames: number;
  discardEvents: number;
  discardedBytes: number;
}

type Inbound = JbdResponse | { kind: 'undecodable'; register: number; error: BridgeError };
type CycleAnswer = { sample: BatterySample; cellsError?: BridgeError };

export class JbdDriver {
  private readonly clock: Clock;
  private readonly responseTimeoutMs: number;
  private readonly readCells: boolean;
  private readonly events = new TypedEvents<JbdDriverEvents>();
  private readonly link: PollingLink<Inbound, CycleAnswer>;
  private readonly splitter = new JbdFrameSplitter({ direction: 'response' });
  private readonly counters = {
    samples: 0,
    requests: 0,
    retries: 0,
    timeouts: 0,
    deviceErrors: 0,
    decodeErrors: 0,
    unexpectedFrames: 0,
    echoes: 0,
  };

  constructor(options: JbdDriverOptions) {
    this.clock = options.clock ?? systemClock;
    this.responseTimeoutMs = options.responseTimeoutMs ?? 1000;
    this.readCells = options.readCells ?? true;
    this.link = new PollingLink<Inbound, CycleAnswer>({
      transport: options.transport,
      clock: this.clock,
      pollIntervalMs: options.pollIntervalMs ?? 5000,
      failedCyclesBeforeOffline: options.failedCyclesBeforeOffline,
      device: 'BMS',
      driver: 'JBD',
      events: this.events,
      onBytes: (bytes) => this.onBytes(bytes),
      poll: () => this.poll(),
      deliver: (answer) => this.deliver(answer),
    });
  }

  get state(): DeviceState {
    return this.link.state;
  }

  get stats(): JbdDriverStats {
    return { ...this.link.stats, ...this.counters, ...this.splitter.stats };
  }

  on<K extends keyof JbdDriverEvents>(event: K, listener: (...args: JbdDriverEvents[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  /** Starts polling at once, then every pollIntervalMs. Calling it twice is harmless. */
  start(): void {
    this.link.start();
  }

  /** Stops polling and abandons the request in flight (BRG_ABORTED, never reported). Leaves the transport open. */
  stop(): Promise<void> {
    return this.link.stop();
  }

  private onBytes(bytes: Uint8Array): void {
    for (const result of this.splitter.push(bytes)) {
      if (result.type === 'discarded') {
        this.events.emit('discard', result);
        continue;
      }
      const register = result.frame[1] ?? 0;
      if (register === JBD_ACTION_READ || register === JBD_ACTION_WRITE) {
        this.counters.echoes++;
        continue;
      }
      let inbound: Inbound;
      try {
        inbound = decodeResponse(result.frame);
      } catch (err) {
        this.counters.decodeErrors++;
        inbound = { kind: 'undecodable', register, error: asLinkError(err, 'BMS') };
      }
      if (!this.link.waiter.offer(inbound)) this.counters.unexpectedFrames++;
    }
  }

  private deliver({ sample, cellsError }: CycleAnswer): boolean {
    if (cellsError !== undefined) this.events.emit('error', cellsError);
    this.counters.samples++;
    this.events.emit('sample', sample);
    return true;
  }

  private async poll(): Promise<CycleAnswer> {
    const { info } = await this.read(JbdRegister.basicInfo, 'basicInfo');
    if (!this.readCells) return { sample: toBatterySample(info, undefined, this.clock.now()) };
    try {
      const { cellsV } = await this.read(JbdRegister.cellVoltages, 'cellVoltages');
      return { sample: toBatterySample(info, cellsV, this.clock.now()) };
    } catch (err) {
      // The BMS is awake (it just answered 0x03): still worth a sample, without cells.
      return { sample: toBatterySample(info, undefined, this.clock.now()), cellsError: asLinkError(err, 'BMS') };
    }
  }

  /** One register read; a timeout is retried once at once, since a waking BMS drops the first request. */
  private async read<K extends 'basicInfo' | 'cellVoltages'>(
    register: number,
    kind: K,
  ): Promise<Extract<JbdResponse, { kind: K }>> {
    for (let attempt = 1; ; attempt++) {
      let answer: Inbound;
      try {
        answer = await this.exchange(register);
      } catch (err) {
        if (isBridgeError(err, BridgeErrorCode.TIMEOUT)) {
          this.counters.timeouts++;
          if (attempt === 1 && this.link.running) {
            this.counters.retries++;
            continue;
          }
        }
        throw err;
      }
      this.link.markAnswered();
      if (answer.kind === kind) return answer as Extract<JbdResponse, { kind: K }>;
      if (answer.kind === 'undecodable') throw answer.error;
      this.counters.deviceErrors++;
      const status = answer.kind === 'deviceError' ? answer.status : 0;
      throw new BridgeError(
        BridgeErrorCode.DEVICE_ERROR,
        `BMS refused register 0x${hex(register)} (status 0x${hex(status)})`,
      );
    }
  }

  private async exchange(register: number): Promise<Inbound> {
    // Wait first, then write: a fast answer must find its waiter already in place.
    const wait = this.link.waiter.waitFor(
      (m) => m.register === register,
      this.responseTimeoutMs,
      `JBD read 0x${hex(register)}`,
    );
    this.counters.requests++;
    return this.link.send(encodeReadRequest(register), wait);
  }
}

function hex(value: number): string {
  return value.toString(16).padStart(2, '0');
}
