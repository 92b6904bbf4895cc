import type { Clock, TimerHandle } from '../clock.js';
import { BridgeError, BridgeErrorCode, isBridgeError } from '../errors.js';
import type { Unsubscribe } from '../events.js';
import type { DeviceState } from '../samples.js';
import type { ByteTransport } from '../transport/transport.js';
import { Waiter, type WaitHandle } from '../waiter.js';

/**
 * The polling lifecycle every request/response driver shares (JBD, Daly, VESC): start/stop with
 * the transport subscriptions and the Waiter, one cycle every pollIntervalMs on the injected Clock,
 * and the DeviceState that cycles turn into. The driver keeps the protocol: what a cycle reads,
 * how frames are matched, how a sample is built.
 *
 * A class the drivers hold, not a base class they extend: each driver's options, events and stats
 * stay declared in its own file, the hooks below are the whole contract between the two, and the
 * lifecycle can be tested alone on a ManualClock.
 */
export interface PollingLinkOptions<Answer> {
  transport: ByteTransport;
  clock: Clock;
  pollIntervalMs: number;
  /** The driver's option as the caller gave it: 2 when absent, at least 1. */
  failedCyclesBeforeOffline?: number | undefined;
  /** The far end as error messages name it: 'BMS', 'VESC'. */
  device: string;
  /** The driver as the abort reason names it: 'JBD', 'Daly'. */
  driver: string;
  /** Where 'state' and 'error' go: the driver's own event hub. */
  events: LinkEventSink;
  /** Every chunk the transport delivers while the link runs. */
  onBytes: (bytes: Uint8Array) => void;
  /**
   * One cycle's reads. Rejecting fails the cycle: a BRG_TIMEOUT with nothing answered counts
   * toward offline quietly, any other error is reported too.
   */
  poll: () => Promise<Answer>;
  /**
   * Emits what a good cycle produced; the link is already 'connected'. Returns false when the
   * answer was not enough for a sample: counted as a failed cycle, though the device is awake.
   */
  deliver: (answer: Answer) => boolean;
  /** On start, and whenever the link goes offline: whoever answers next may be another device. */
  forgetDevice?: () => void;
}

/** The events the link emits on the driver's behalf. A TypedEvents of any driver's events fits. */
export interface LinkEventSink {
  emit(event: 'state', state: DeviceState, previous: DeviceState): void;
  emit(event: 'error', error: BridgeError): void;
}

/** What a cycle's reads may use of the link, for a reader that lives outside the driver class. */
export interface LinkSession<Inbound> {
  /** Every wait still open when the link stops rejects with BRG_ABORTED. */
  readonly waiter: Waiter<Inbound>;
  /** False once stop() was called: a read must not retry then. */
  readonly running: boolean;
  /** The device answered one of this cycle's requests, usefully or not: it is awake. */
  markAnswered(): void;
  /** Writes a request whose wait is in place; settles as the wait does, or with the write's error. */
  send(request: Uint8Array, wait: WaitHandle<Inbound>): Promise<Inbound>;
}

export interface PollingLinkStats {
  cycles: number;
  failedCycles: number;
}

export class PollingLink<Inbound, Answer> implements LinkSession<Inbound> {
  readonly waiter: Waiter<Inbound>;
  private readonly offlineAfter: number;
  private readonly counters: PollingLinkStats = { cycles: 0, failedCycles: 0 };
  private current: DeviceState = 'connecting';
  private started = false;
  private everAnswered = false;
  private answeredThisCycle = false;
  private failedInARow = 0;
  private timer: TimerHandle | undefined;
  private inflight: Promise<void> = Promise.resolve();
  /** Bumped by every start(): a cycle from before a stop()/start() pair must not schedule a second loop. */
  private generation = 0;
  private subscriptions: Unsubscribe[] = [];

  constructor(private readonly options: PollingLinkOptions<Answer>) {
    this.offlineAfter = Math.max(1, options.failedCyclesBeforeOffline ?? 2);
    this.waiter = new Waiter<Inbound>(options.clock);
  }

  get state(): DeviceState {
    return this.current;
  }

  get running(): boolean {
    return this.started;
  }

  get stats(): PollingLinkStats {
    return { ...this.counters };
  }

  markAnswered(): void {
    this.everAnswered = true;
    this.answeredThisCycle = true;
  }

  /**
   * Writes one request whose wait is already in place (so a fast answer finds it) and resolves
   * with the answer. A failed write rejects with the write's own error; a write that never drains
   * still ends in the wait's BRG_TIMEOUT, so the write is not awaited on its own.
   */
  async send(request: Uint8Array, wait: WaitHandle<Inbound>): Promise<Inbound> {
    let writeError: unknown;
    this.options.transport.write(request).catch((err: unknown) => {
      writeError = err;
      wait.cancel();
    });
    try {
      return await wait.promise;
    } catch (err) {
      throw writeError ?? err;
    }
  }

  /** Polls at once, then every pollIntervalMs. Calling it twice is harmless. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.generation++;
    this.everAnswered = false;
    this.failedInARow = 0;
    this.options.forgetDevice?.();
    const { transport, device, events } = this.options;
    this.subscriptions = [
      transport.onData((bytes) => this.options.onBytes(bytes)),
      transport.onError((err) =>
        events.emit('error', new BridgeError(BridgeErrorCode.PORT_CLOSED, `${device} link failed`, { cause: err })),
      ),
    ];
    this.setState('connecting');
    this.inflight = this.cycle();
  }

  /** Stops polling and abandons the request in flight (BRG_ABORTED, never reported). Leaves the transport open. */
  async stop(): Promise<void> {
    if (!this.started) {
      this.setState('stopped');
      return;
    }
    this.started = false;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.waiter.abortAll(`${this.options.driver} driver stopped`);
    for (const unsubscribe of this.subscriptions) unsubscribe();
    this.subscriptions = [];
    this.setState('stopped');
    await this.inflight;
  }

  private async cycle(): Promise<void> {
    const generation = this.generation;
    const current = () => this.started && generation === this.generation;
    const startedAt = this.options.clock.now();
    this.counters.cycles++;
    this.answeredThisCycle = false;
    let outcome: { ok: true; answer: Answer } | { ok: false; error: BridgeError };
    try {
      outcome = { ok: true, answer: await this.options.poll() };
    } catch (err) {
      outcome = { ok: false, error: asLinkError(err, this.options.device) };
    } finally {
      if (current()) this.scheduleNext(startedAt);
    }
    // Listeners run outside the try: a throwing listener is its author's bug, not a link failure.
    if (!current()) return;
    if (!outcome.ok) {
      this.onCycleFailed(outcome.error);
      return;
    }
    this.failedInARow = 0;
    this.setState('connected');
    if (!this.options.deliver(outcome.answer)) this.counters.failedCycles++;
  }

  private onCycleFailed(err: BridgeError): void {
    this.counters.failedCycles++;
    if (this.answeredThisCycle) {
      // It answered, just not usefully (refused, short payload, wrong mask): awake, but say why.
      this.failedInARow = 0;
      this.setState('connected');
      this.options.events.emit('error', err);
      return;
    }
    if (!isBridgeError(err, BridgeErrorCode.TIMEOUT)) this.options.events.emit('error', err);
    this.failedInARow++;
    if (this.failedInARow >= this.offlineAfter) {
      this.options.forgetDevice?.();
      this.setState(this.everAnswered ? 'asleep' : 'silent');
    }
  }

  /** The interval runs from the start of one cycle to the start of the next, however long a cycle takes. */
  private scheduleNext(startedAt: number): void {
    if (!this.started) return;
    const { clock, pollIntervalMs } = this.options;
    const delay = Math.max(0, pollIntervalMs - (clock.now() - startedAt));
    this.timer = clock.setTimeout(() => {
      this.timer = undefined;
      this.inflight = this.cycle();
    }, delay);
  }

  private setState(next: DeviceState): void {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    this.options.events.emit('state', next, previous);
  }
}

/** Anything a link's read throws, as a BridgeError: what is not one already is a failed link. */
export function asLinkError(err: unknown, device: string): BridgeError {
  if (err instanceof BridgeError) return err;
  return new BridgeError(BridgeErrorCode.PORT_CLOSED, `${device} link failed: ${String(err)}`, { cause: err });
}
