import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { BridgeError, BridgeErrorCode, isBridgeError } from '../errors.js';
import { TypedEvents, type Unsubscribe } from '../events.js';
import type { BatterySample, DeviceState } from '../samples.js';
import type { ByteTransport } from '../transport/transport.js';
import { Waiter } from '../waiter.js';
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

export class JbdDriver {
  private readonly transport: ByteTransport;
  private readonly clock: Clock;
  private readonly pollIntervalMs: number;
  private readonly responseTimeoutMs: number;
  private readonly readCells: boolean;
  private readonly offlineAfter: number;
  private readonly events = new TypedEvents<JbdDriverEvents>();
  private readonly waiter: Waiter<Inbound>;
  private readonly splitter = new JbdFrameSplitter({ direction: 'response' });
  private readonly counters = {
    cycles: 0,
    failedCycles: 0,
    samples: 0,
    requests: 0,
    retries: 0,
    timeouts: 0,
    deviceErrors: 0,
    decodeErrors: 0,
    unexpectedFrames: 0,
    echoes: 0,
  };
  private current: DeviceState = 'connecting';
  private running = false;
  private everAnswered = false;
  private answeredThisCycle = false;
  private failedInARow = 0;
  private timer: TimerHandle | undefined;
  private inflight: Promise<void> = Promise.resolve();
  private subscriptions: Unsubscribe[] = [];

  constructor(options: JbdDriverOptions) {
    this.transport = options.transport;
    this.clock = options.clock ?? systemClock;
    this.pollIntervalMs = options.pollIntervalMs ?? 5000;
    this.responseTimeoutMs = options.responseTimeoutMs ?? 1000;
    this.readCells = options.readCells ?? true;
    this.offlineAfter = Math.max(1, options.failedCyclesBeforeOffline ?? 2);
    this.waiter = new Waiter<Inbound>(this.clock);
  }

  get state(): DeviceState {
    return this.current;
  }

  get stats(): JbdDriverStats {
    return { ...this.counters, ...this.splitter.stats };
  }

  on<K extends keyof JbdDriverEvents>(event: K, listener: (...args: JbdDriverEvents[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  /** Starts polling at once, then every pollIntervalMs. Calling it twice is harmless. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.everAnswered = false;
    this.failedInARow = 0;
    this.subscriptions = [
      this.transport.onData((bytes) => this.onBytes(bytes)),
      this.transport.onError((err) =>
        this.events.emit('error', new BridgeError(BridgeErrorCode.PORT_CLOSED, 'BMS link failed', { cause: err })),
      ),
    ];
    this.setState('connecting');
    this.inflight = this.cycle();
  }

  /** Stops polling and abandons the request in flight (BRG_ABORTED, never reported). Leaves the transport open. */
  async stop(): Promise<void> {
    if (!this.running) {
      this.setState('stopped');
      return;
    }
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.waiter.abortAll('JBD driver stopped');
    for (const unsubscribe of this.subscriptions) unsubscribe();
    this.subscriptions = [];
    this.setState('stopped');
    await this.inflight;
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
        inbound = { kind: 'undecodable', register, error: asBridgeError(err) };
      }
      if (!this.waiter.offer(inbound)) this.counters.unexpectedFrames++;
    }
  }

  private async cycle(): Promise<void> {
    const startedAt = this.clock.now();
    this.counters.cycles++;
    this.answeredThisCycle = false;
    let result: { sample: BatterySample; cellsError?: BridgeError } | BridgeError;
    try {
      result = await this.poll();
    } catch (err) {
      result = asBridgeError(err);
    } finally {
      this.scheduleNext(startedAt);
    }
    // Listeners run outside the try: a throwing listener is its author's bug, not a link failure.
    if (!this.running) return;
    if (result instanceof BridgeError) {
      this.onCycleFailed(result);
      return;
    }
    this.failedInARow = 0;
    this.setState('connected');
    if (result.cellsError !== undefined) this.events.emit('error', result.cellsError);
    this.counters.samples++;
    this.events.emit('sample', result.sample);
  }

  private async poll(): Promise<{ sample: BatterySample; cellsError?: BridgeError }> {
    const { info } = await this.read(JbdRegister.basicInfo, 'basicInfo');
    if (!this.readCells) return { sample: toBatterySample(info, undefined, this.clock.now()) };
    try {
      const { cellsV } = await this.read(JbdRegister.cellVoltages, 'cellVoltages');
      return { sample: toBatterySample(info, cellsV, this.clock.now()) };
    } catch (err) {
      // The BMS is awake (it just answered 0x03): still worth a sample, without cells.
      return { sample: toBatterySample(info, undefined, this.clock.now()), cellsError: asBridgeError(err) };
    }
  }

  private onCycleFailed(err: BridgeError): void {
    this.counters.failedCycles++;
    if (this.answeredThisCycle) {
      // It answered, just not usefully (status 0x80, short payload): awake, but say why.
      this.failedInARow = 0;
      this.setState('connected');
      this.events.emit('error', err);
      return;
    }
    if (!isBridgeError(err, BridgeErrorCode.TIMEOUT)) this.events.emit('error', err);
    this.failedInARow++;
    if (this.failedInARow >= this.offlineAfter) this.setState(this.everAnswered ? 'asleep' : 'silent');
  }

  private scheduleNext(startedAt: number): void {
    if (!this.running) return;
    const delay = Math.max(0, this.pollIntervalMs - (this.clock.now() - startedAt));
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.inflight = this.cycle();
    }, delay);
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
          if (attempt === 1 && this.running) {
            this.counters.retries++;
            continue;
          }
        }
        throw err;
      }
      this.everAnswered = true;
      this.answeredThisCycle = true;
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
    const wait = this.waiter.waitFor(
      (m) => m.register === register,
      this.responseTimeoutMs,
      `JBD read 0x${hex(register)}`,
    );
    this.counters.requests++;
    // Not awaited on its own: a write that never drains must still end in BRG_TIMEOUT.
    let writeError: unknown;
    this.transport.write(encodeReadRequest(register)).catch((err: unknown) => {
      writeError = err;
      wait.cancel();
    });
    try {
      return await wait.promise;
    } catch (err) {
      throw writeError ?? err;
    }
  }

  private setState(next: DeviceState): void {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    this.events.emit('state', next, previous);
  }
}

function asBridgeError(err: unknown): BridgeError {
  if (err instanceof BridgeError) return err;
  return new BridgeError(BridgeErrorCode.PORT_CLOSED, `BMS link failed: ${String(err)}`, { cause: err });
}

function hex(value: number): string {
  return value.toString(16).padStart(2, '0');
}
