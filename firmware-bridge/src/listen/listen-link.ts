import type { Clock, TimerHandle } from '../clock.js';
import { BridgeError, BridgeErrorCode } from '../errors.js';
import type { Unsubscribe } from '../events.js';
import type { FrameSplitter, SplitDiscard } from '../framing.js';
import { listenOnly } from '../listen-only.js';
import type { DeviceState } from '../samples.js';
import type { ByteTransport } from '../transport/transport.js';

export interface ListenLinkOptions<M, R extends string> {
  /** Seen only through listenOnly(), so nothing can be sent on it even by mistake. */
  transport: ByteTransport;
  clock: Clock;
  /** How long without a frame before the line counts as silent or asleep; must be positive. */
  quietMs: number;
  /** The line's name in errors: 'KT' gives "KT line failed". */
  name: string;
  splitter: FrameSplitter<R>;
  /** May throw: the throw is counted in decodeErrors and reported through onError, and the frame skipped. */
  decode(frame: Uint8Array): M;
  onMessage(message: M): void;
  onDiscard(discard: SplitDiscard<R>): void;
  onState(state: DeviceState, previous: DeviceState): void;
  onError(error: BridgeError): void;
}

/**
 * What every listen-only sniffer does with its line, whatever the protocol: split the bytes,
 * decode the frames, and keep the link state from the traffic alone, since there is nothing to
 * poll. Frames flowing → connected; none since start → silent; none for quietMs after flowing →
 * asleep (the display was switched off). The sniffer keeps what the messages mean.
 */
export class ListenLink<M, R extends string = string> {
  private readonly options: ListenLinkOptions<M, R>;
  private readonly line: ByteTransport;
  private current: DeviceState = 'connecting';
  private running = false;
  private everHeard = false;
  private timer: TimerHandle | undefined;
  private subscriptions: Unsubscribe[] = [];
  private decodeFailures = 0;

  constructor(options: ListenLinkOptions<M, R>) {
    const { quietMs } = options;
    if (!Number.isFinite(quietMs) || quietMs <= 0) {
      throw new BridgeError(BridgeErrorCode.OPTION_INVALID, `quietMs must be a positive number, not ${quietMs}`);
    }
    this.options = options;
    this.line = listenOnly(options.transport);
  }

  get state(): DeviceState {
    return this.current;
  }

  /** Frames the splitter passed that the decoder still refused: a bug worth surfacing, not line noise. */
  get decodeErrors(): number {
    return this.decodeFailures;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.everHeard = false;
    this.subscriptions = [
      this.line.onData((bytes) => this.onBytes(bytes)),
      this.line.onError((err) =>
        this.options.onError(
          new BridgeError(BridgeErrorCode.PORT_CLOSED, `${this.options.name} line failed`, { cause: err }),
        ),
      ),
    ];
    this.setState('connecting');
    this.arm();
  }

  /** Stops listening and leaves no timer behind. Leaves the transport open. */
  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const unsubscribe of this.subscriptions) unsubscribe();
    this.subscriptions = [];
    this.setState('stopped');
  }

  private onBytes(bytes: Uint8Array): void {
    if (!this.running) return;
    const options = this.options;
    let heard = false;
    for (const result of options.splitter.push(bytes)) {
      if (result.type === 'discarded') {
        options.onDiscard(result);
        continue;
      }
      let message: M;
      try {
        message = options.decode(result.frame);
      } catch (err) {
        // The splitter checked the same things, so this is a bug worth surfacing, not line noise.
        this.decodeFailures++;
        options.onError(err instanceof BridgeError ? err : new BridgeError(BridgeErrorCode.FRAME_INVALID, String(err)));
        continue;
      }
      heard = true;
      options.onMessage(message);
    }
    if (heard) {
      this.everHeard = true;
      this.setState('connected');
      this.arm();
    }
  }

  private arm(): void {
    const clock = this.options.clock;
    if (this.timer !== undefined) clock.clearTimeout(this.timer);
    this.timer = clock.setTimeout(() => {
      this.timer = undefined;
      if (this.running) this.setState(this.everHeard ? 'asleep' : 'silent');
    }, this.options.quietMs);
  }

  private setState(next: DeviceState): void {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    this.options.onState(next, previous);
  }
}
