import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { BridgeError, BridgeErrorCode } from '../errors.js';
import { TypedEvents, type Unsubscribe } from '../events.js';
import type { DeviceState } from '../samples.js';
import type { ByteTransport } from '../transport/transport.js';
import {
  type AuxBoard,
  type AuxBoardEvents,
  type AuxBoardOptions,
  type ResolvedAuxBoardOptions,
  resolveAuxBoardOptions,
  toAuxSample,
} from './aux-board.js';
import { FirmataCommand } from './constants.js';
import { FirmataIoTransport } from './firmata-io-transport.js';
import { FirmataFrameSplitter } from './frame.js';
import { addJ5Components, createJ5Board, type J5Parts, teardownJ5 } from './johnny-five-parts.js';

/**
 * The aux board through johnny-five, with firmata-io speaking over our own ByteTransport.
 *
 * What it takes to keep johnny-five quiet and leak-free (here and in johnny-five-parts.ts):
 * - Board gets `io` always (so it never loads 'firmata' or serialport@8), `repl: false`,
 *   `debug: false` (no console output) and `sigint: false` (no process SIGINT handler);
 * - its own connect→ready timer is pushed out of the way (our Clock owns the ready timeout) and
 *   cleared on stop(), as is firmata-io's version-query timer;
 * - Sensor intervals are stopped with disable(); a Button held at stop() keeps a hold interval
 *   running, so stop() feeds it a release and waits out its 7 ms debounce (the one real-time wait);
 * - j5 leaves a numeric Relay pin in whatever mode the board booted with, so D7 is set to OUTPUT
 *   explicitly;
 * - Board.cache keeps every Board forever: ours is removed on stop(). (Sensor/Button/Relay keep
 *   private module-level maps j5 never prunes: a few objects per start(), without the transport.)
 */
export interface JohnnyFiveAuxBoardOptions extends AuxBoardOptions {
  transport: ByteTransport;
  clock?: Clock;
  /** firmata-io asks for the version if the board has not announced itself by then. */
  versionQueryAfterMs?: number;
  /** SAMPLING_INTERVAL sent to the board; unset keeps the firmware's 19 ms. */
  boardSamplingIntervalMs?: number;
}

export interface JohnnyFiveAuxBoardStats {
  samples: number;
  bytesIn: number;
  bytesOut: number;
  frames: number;
  discardEvents: number;
  discardedBytes: number;
  /** Times the board announced itself again after ready (brown-out, watchdog): pins were set up again. */
  boardResets: number;
}

export class JohnnyFiveAuxBoard implements AuxBoard {
  private readonly options: Readonly<ResolvedAuxBoardOptions>;
  private readonly transport: ByteTransport;
  private readonly clock: Clock;
  private readonly versionQueryAfterMs: number;
  private readonly boardSamplingIntervalMs: number | undefined;
  private readonly events = new TypedEvents<AuxBoardEvents>();
  private readonly counters = { samples: 0, boardResets: 0 };
  private current: DeviceState = 'connecting';
  private parts: J5Parts | undefined;
  private splitter = new FirmataFrameSplitter({ direction: 'fromBoard' });
  private ready = false;
  private linkFailed = false;
  private modemOn: boolean;
  private paused: boolean;
  private batteryAdc: number | undefined;
  private thermistorAdc: number | undefined;
  private readyTimer: TimerHandle | undefined;
  private tickTimer: TimerHandle | undefined;
  private subscriptions: Unsubscribe[] = [];

  constructor(options: JohnnyFiveAuxBoardOptions) {
    this.options = resolveAuxBoardOptions(options);
    this.transport = options.transport;
    this.clock = options.clock ?? systemClock;
    this.versionQueryAfterMs = options.versionQueryAfterMs ?? 5000;
    this.boardSamplingIntervalMs = options.boardSamplingIntervalMs;
    this.modemOn = this.options.initialModemPower;
    this.paused = this.options.initialPauseLocation;
  }

  get state(): DeviceState {
    return this.current;
  }

  get modemPowered(): boolean {
    return this.modemOn;
  }

  get pauseLocation(): boolean {
    return this.paused;
  }

  /** Name and version the sketch reported, once ready. */
  get firmware(): { name: string; major: number; minor: number } | undefined {
    const firmware = this.ready ? this.parts?.io.firmware : undefined;
    if (firmware?.name === undefined || firmware.version === undefined) return undefined;
    return { name: firmware.name, ...firmware.version };
  }

  get stats(): JohnnyFiveAuxBoardStats {
    const adapter = this.parts?.adapter;
    return {
      ...this.counters,
      ...this.splitter.stats,
      bytesIn: adapter?.bytesIn ?? 0,
      bytesOut: adapter?.bytesOut ?? 0,
    };
  }

  on<K extends keyof AuxBoardEvents>(event: K, listener: (...args: AuxBoardEvents[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  start(): void {
    if (this.parts !== undefined) return;
    this.ready = false;
    this.linkFailed = false;
    this.batteryAdc = undefined;
    this.thermistorAdc = undefined;
    this.splitter = new FirmataFrameSplitter({ direction: 'fromBoard' });
    this.setState('connecting');
    const adapter = new FirmataIoTransport(
      this.transport,
      this.clock,
      (err) => this.linkLost('write to the aux board failed', err),
      (bytes) => this.watchForReset(bytes),
    );
    const parts = createJ5Board(adapter, {
      reportVersionTimeout: this.versionQueryAfterMs,
      ...(this.boardSamplingIntervalMs === undefined ? {} : { samplingInterval: this.boardSamplingIntervalMs }),
    });
    this.parts = parts;
    const { io, board } = parts;
    // Unheard 'error' events would throw inside the serial data handler.
    io.on('error', (err: unknown) => this.fail(BridgeErrorCode.BOARD_NOT_READY, 'firmata-io reported an error', err));
    board.on('error', (err: unknown) =>
      this.fail(BridgeErrorCode.BOARD_NOT_READY, 'johnny-five reported an error', err),
    );
    board.on('ready', () => this.onReady());
    this.subscriptions = [this.transport.onError((err) => this.linkLost('aux board link failed', err))];
    adapter.announceOpen();
    this.readyTimer = this.clock.setTimeout(() => this.onReadyTimeout(), this.options.readyTimeoutMs);
    this.scheduleTick();
  }

  async stop(): Promise<void> {
    const parts = this.parts;
    this.parts = undefined;
    for (const timer of [this.readyTimer, this.tickTimer]) if (timer !== undefined) this.clock.clearTimeout(timer);
    this.readyTimer = undefined;
    this.tickTimer = undefined;
    for (const unsubscribe of this.subscriptions) unsubscribe();
    this.subscriptions = [];
    if (parts !== undefined) await teardownJ5(parts, this.options.pins, this.ready && parts.adapter.isOpen);
    this.ready = false;
    this.setState('stopped');
  }

  setModemPower(on: boolean): void {
    this.modemOn = on;
    this.applyRelay();
  }

  private onReady(): void {
    const parts = this.parts;
    if (parts === undefined || this.ready) return;
    if (this.readyTimer !== undefined) this.clock.clearTimeout(this.readyTimer);
    this.readyTimer = undefined;
    let components: Required<J5Parts>;
    try {
      components = addJ5Components(parts, this.options);
    } catch (err) {
      this.fail(BridgeErrorCode.BOARD_NOT_READY, 'the board lacks the pins the aux board needs', err);
      return;
    }
    const { battery, thermistor, button } = components;
    battery.on('data', (value: number) => {
      if (battery.raw !== null) this.batteryAdc = value;
    });
    thermistor.on('data', (value: number) => {
      if (thermistor.raw !== null) this.thermistorAdc = value;
    });
    button.on('down', () => this.onButton(true));
    button.on('up', () => this.onButton(false));
    this.ready = true;
    this.applyRelay();
    this.setState('connected');
  }

  private onButton(pressed: boolean): void {
    if (this.options.pauseMode === 'level') this.paused = pressed;
    else if (pressed) this.paused = !this.paused;
    this.events.emit('button', { pressed, pauseLocation: this.paused, at: this.clock.now() });
  }

  private applyRelay(): void {
    const relay = this.ready ? this.parts?.relay : undefined;
    if (relay === undefined) return;
    // close() means "contact closed": j5 drives LOW instead of HIGH for a normally-closed relay.
    if (this.modemOn) relay.close();
    else relay.open();
  }

  private scheduleTick(): void {
    this.tickTimer = this.clock.setTimeout(() => {
      this.tickTimer = undefined;
      this.tick();
      if (this.parts !== undefined) this.scheduleTick();
    }, this.options.sampleIntervalMs);
  }

  private tick(): void {
    const adapter = this.parts?.adapter;
    if (adapter === undefined) return;
    // serialport reports a vanished device as 'close', which ByteTransport does not surface.
    if (!adapter.isOpen) this.linkLost('aux board transport closed');
    if (!this.ready || this.linkFailed) return;
    const lastData = adapter.lastDataAt ?? Number.NEGATIVE_INFINITY;
    const fresh = this.clock.now() - lastData <= this.options.silenceTimeoutMs;
    this.setState(fresh ? 'connected' : 'silent');
    if (!fresh || (this.batteryAdc === undefined && this.thermistorAdc === undefined)) return;
    const reading = {
      at: this.clock.now(),
      batteryAdc: this.batteryAdc,
      thermistorAdc: this.thermistorAdc,
      modemPowered: this.modemOn,
      pauseLocation: this.paused,
    };
    this.counters.samples++;
    this.events.emit('sample', toAuxSample(reading, this.options));
  }

  /** A version report after ready means the sketch restarted with every pin back at its default. */
  private watchForReset(bytes: Uint8Array): void {
    for (const result of this.splitter.push(bytes)) {
      if (!this.ready || result.type !== 'frame' || result.frame.length !== 3) continue;
      if (result.frame[0] !== FirmataCommand.reportVersion) continue;
      this.counters.boardResets++;
      this.setUpPinsAgain();
    }
  }

  private setUpPinsAgain(): void {
    const io = this.parts?.io;
    if (io === undefined) return;
    const { pins } = this.options;
    if (this.boardSamplingIntervalMs !== undefined) io.setSamplingInterval(this.boardSamplingIntervalMs);
    io.pinMode(pins.button, io.MODES.INPUT);
    io.digitalWrite(pins.button, io.HIGH);
    io.pinMode(pins.relay, io.MODES.OUTPUT);
    this.applyRelay();
    io.reportAnalogPin(pins.battery, 1);
    io.reportAnalogPin(pins.thermistor, 1);
    io.reportDigitalPin(pins.button, 1);
  }

  private onReadyTimeout(): void {
    this.readyTimer = undefined;
    if (this.ready || this.parts === undefined) return;
    const { frames, discardedBytes } = this.splitter.stats;
    const why =
      this.parts.adapter.bytesIn === 0
        ? 'nothing received: wrong port, board unpowered, or its reset takes longer'
        : frames === 0 || discardedBytes > this.parts.adapter.bytesIn / 2
          ? 'mostly undecodable bytes: wrong baud rate (StandardFirmata runs at 57600)?'
          : 'Firmata messages but no complete handshake: a different sketch?';
    this.fail(BridgeErrorCode.BOARD_NOT_READY, `aux board not ready after ${this.options.readyTimeoutMs} ms: ${why}`);
  }

  private linkLost(message: string, cause?: unknown): void {
    if (this.linkFailed || this.parts === undefined) return;
    this.linkFailed = true;
    this.fail(BridgeErrorCode.PORT_CLOSED, message, cause);
  }

  private fail(code: BridgeErrorCode, message: string, cause?: unknown): void {
    this.events.emit('error', new BridgeError(code, message, cause === undefined ? undefined : { cause }));
    if (this.parts !== undefined) this.setState('silent');
  }

  private setState(next: DeviceState): void {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    this.events.emit('state', next, previous);
  }
}
