import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { BridgeError, BridgeErrorCode } from '../errors.js';
import { TypedEvents, type Unsubscribe } from '../events.js';
import type { DeviceState } from '../samples.js';
import type { ByteTransport } from '../transport/transport.js';
import { decodeSentence } from './codec.js';
import { EpochAssembler, epochToRaw, type NmeaEpoch } from './epoch.js';
import { type GpsPositionSample, PositionGate, type PositionQualityOptions } from './quality.js';
import type { NmeaSentence } from './sentences.js';
import { type NmeaSplitDiscard, NmeaSplitter, type NmeaSplitterOptions } from './splitter.js';

/**
 * Listens to a GPS on a serial line (it transmits on its own; the receiver never writes) and
 * turns each navigation epoch into one PositionSample. Link state is explicit: a GPS that stops
 * talking is 'asleep', one never heard is 'silent'. Timers only through the Clock.
 */
export interface NmeaReceiverOptions extends PositionQualityOptions, NmeaSplitterOptions {
  transport: ByteTransport;
  clock?: Clock;
  /** No valid sentence for this long: 'silent' (never heard) or 'asleep'. Default 3000 ms. */
  silenceTimeoutMs?: number;
  /** An epoch nothing else closed is emitted after this long. Default 1500 ms. */
  epochTimeoutMs?: number;
}

export type NmeaReceiverEvents = {
  sample: [sample: GpsPositionSample];
  /** Every decoded sentence, for logging or for consumers of sentences the receiver does not merge. */
  sentence: [sentence: NmeaSentence];
  state: [state: DeviceState, previous: DeviceState];
  discard: [discard: NmeaSplitDiscard];
  /** Sentences with a good checksum that make no sense (BRG_FRAME_INVALID), transport failures (BRG_PORT_CLOSED). */
  error: [error: BridgeError];
};

export interface NmeaReceiverStats {
  frames: number;
  discardEvents: number;
  discardedBytes: number;
  sentences: number;
  decodeErrors: number;
  epochs: number;
  /** Epochs closed by the timeout rather than by the next epoch or their own learned shape. */
  epochTimeouts: number;
  samples: number;
}

export class NmeaReceiver {
  private readonly transport: ByteTransport;
  private readonly clock: Clock;
  private readonly silenceTimeoutMs: number;
  private readonly epochTimeoutMs: number;
  private readonly splitterOptions: NmeaSplitterOptions;
  private readonly events = new TypedEvents<NmeaReceiverEvents>();
  private readonly gate: PositionGate;
  private assembler = this.newAssembler();
  private splitter: NmeaSplitter;
  private readonly counters = { sentences: 0, decodeErrors: 0, epochs: 0, epochTimeouts: 0, samples: 0 };
  private current: DeviceState = 'connecting';
  private running = false;
  private everHeard = false;
  private lastHeardAt = 0;
  private silenceTimer: TimerHandle | undefined;
  private epochTimer: TimerHandle | undefined;
  private subscriptions: Unsubscribe[] = [];

  constructor(options: NmeaReceiverOptions) {
    this.transport = options.transport;
    this.clock = options.clock ?? systemClock;
    this.silenceTimeoutMs = positive('silenceTimeoutMs', options.silenceTimeoutMs ?? 3000);
    this.epochTimeoutMs = positive('epochTimeoutMs', options.epochTimeoutMs ?? 1500);
    this.splitterOptions = { maxLength: options.maxLength, allowMissingChecksum: options.allowMissingChecksum };
    this.splitter = new NmeaSplitter(this.splitterOptions);
    this.gate = new PositionGate('nmea', options);
  }

  get state(): DeviceState {
    return this.current;
  }

  get stats(): NmeaReceiverStats {
    return { ...this.splitter.stats, ...this.counters };
  }

  on<K extends keyof NmeaReceiverEvents>(event: K, listener: (...args: NmeaReceiverEvents[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  /** Starts listening. Calling it twice is harmless. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.everHeard = false;
    this.lastHeardAt = this.clock.now();
    this.splitter = new NmeaSplitter(this.splitterOptions);
    this.assembler = this.newAssembler();
    this.gate.reset();
    this.subscriptions = [
      this.transport.onData((bytes) => this.onBytes(bytes)),
      this.transport.onError((err) =>
        this.events.emit('error', new BridgeError(BridgeErrorCode.PORT_CLOSED, 'GPS link failed', { cause: err })),
      ),
    ];
    this.setState('connecting');
    this.armSilence(this.silenceTimeoutMs);
  }

  /** Stops listening and drops a half-received epoch. Leaves the transport open. */
  stop(): void {
    this.running = false;
    for (const unsubscribe of this.subscriptions) unsubscribe();
    this.subscriptions = [];
    for (const timer of [this.silenceTimer, this.epochTimer]) if (timer !== undefined) this.clock.clearTimeout(timer);
    this.silenceTimer = undefined;
    this.epochTimer = undefined;
    this.setState('stopped');
  }

  private newAssembler(): EpochAssembler {
    return new EpochAssembler((epoch, complete) => this.onEpoch(epoch, complete));
  }

  private onBytes(bytes: Uint8Array): void {
    for (const result of this.splitter.push(bytes)) {
      if (!this.running) return;
      if (result.type === 'discarded') {
        this.events.emit('discard', result);
        continue;
      }
      let sentence: NmeaSentence;
      try {
        sentence = decodeSentence(result.frame);
      } catch (err) {
        this.counters.decodeErrors++;
        if (err instanceof BridgeError) this.events.emit('error', err);
        continue;
      }
      this.counters.sentences++;
      this.heard();
      this.events.emit('sentence', sentence);
      this.assembler.push(sentence);
      if (this.assembler.open && this.epochTimer === undefined) {
        this.epochTimer = this.clock.setTimeout(() => {
          this.epochTimer = undefined;
          this.assembler.flush();
        }, this.epochTimeoutMs);
      }
    }
  }

  private onEpoch(epoch: NmeaEpoch, complete: boolean): void {
    if (this.epochTimer !== undefined) this.clock.clearTimeout(this.epochTimer);
    this.epochTimer = undefined;
    this.counters.epochs++;
    if (!complete) this.counters.epochTimeouts++;
    // GSA or VTG alone say nothing about where we are.
    if (epoch.gga === undefined && epoch.rmc === undefined) return;
    this.counters.samples++;
    this.events.emit('sample', this.gate.apply(epochToRaw(epoch, this.clock.now())));
  }

  private heard(): void {
    this.everHeard = true;
    this.lastHeardAt = this.clock.now();
    this.setState('connected');
    // The silence timer is re-armed lazily when it fires, not on every sentence.
    if (this.silenceTimer === undefined) this.armSilence(this.silenceTimeoutMs);
  }

  private armSilence(ms: number): void {
    this.silenceTimer = this.clock.setTimeout(() => {
      this.silenceTimer = undefined;
      if (!this.running) return;
      const quietFor = this.clock.now() - this.lastHeardAt;
      if (quietFor < this.silenceTimeoutMs) {
        this.armSilence(this.silenceTimeoutMs - quietFor);
        return;
      }
      // A half epoch from a GPS that went quiet is still the last thing it said.
      this.assembler.flush();
      this.setState(this.everHeard ? 'asleep' : 'silent');
    }, ms);
  }

  private setState(next: DeviceState): void {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    this.events.emit('state', next, previous);
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new BridgeError(BridgeErrorCode.OPTION_INVALID, `${name} = ${value} must be a positive number of ms`);
  }
  return value;
}
