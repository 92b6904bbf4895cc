import { createRequire } from 'node:module';
import { setTimeout as realDelay } from 'node:timers/promises';
import type { ResolvedAuxBoardOptions } from './aux-board.js';
import type { FirmataIoTransport } from './firmata-io-transport.js';

/**
 * What JohnnyFiveAuxBoard builds from johnny-five and firmata-io, and how it takes it apart again.
 *
 * The slice of johnny-five 2.1 and firmata-io 2.3 used is typed here because
 * @types/johnny-five lacks parts of it (Board's `sigint` option and `timer`, Board.cache,
 * Sensor#disable, Button's `pullup`). Both packages are CommonJS; they are loaded with
 * createRequire on first use, so importing the bridge does not load them, and ESM, NodeNext and
 * vitest all resolve them the same way. `require('johnny-five')` does not load 'firmata' or
 * serialport@8: only Board without an `io` does, and we always pass one.
 */
type Listener = (...args: never[]) => void;

interface Emitter {
  on(event: string, listener: Listener): unknown;
  removeAllListeners(): unknown;
}

export interface FirmataIo extends Emitter {
  isReady: boolean;
  firmware: { name?: string; version?: { major: number; minor: number } };
  /** firmata-io's "ask for the version if the board has not announced itself" timer. */
  reportVersionTimeoutId?: ReturnType<typeof setTimeout>;
  MODES: { INPUT: number; OUTPUT: number };
  HIGH: number;
  pinMode(pin: number, mode: number): void;
  digitalWrite(pin: number, value: number): void;
  reportAnalogPin(channel: number, value: 0 | 1): void;
  reportDigitalPin(pin: number, value: 0 | 1): void;
  setSamplingInterval(ms: number): void;
  emit(event: string, ...args: unknown[]): boolean;
}

export interface FirmataIoOptions {
  reportVersionTimeout: number;
  samplingInterval?: number;
}

export interface J5Board extends Emitter {
  isReady: boolean;
  /** The connect → ready timer johnny-five arms itself. */
  timer: ReturnType<typeof setTimeout> | null;
}

export interface J5BoardOptions {
  io: FirmataIo;
  repl: false;
  debug: false;
  sigint: false;
  timeout: number;
}

export interface J5Sensor extends Emitter {
  readonly raw: number | null;
  disable(): unknown;
}

export interface J5Button extends Emitter {
  readonly isDown: boolean;
  readonly upValue: number;
}

export interface J5Relay {
  readonly isClosed: boolean;
  open(): unknown;
  close(): unknown;
}

export interface JohnnyFive {
  Board: { new (options: J5BoardOptions): J5Board; readonly cache: J5Board[] };
  Sensor: new (options: { board: J5Board; pin: string; freq: number; threshold: number }) => J5Sensor;
  Button: new (options: { board: J5Board; pin: number; pullup: boolean; holdtime: number }) => J5Button;
  Relay: new (options: { board: J5Board; pin: number; type: 'NO' | 'NC' }) => J5Relay;
}

export interface FirmataIoModule {
  Firmata: new (transport: FirmataIoTransport, options: FirmataIoOptions) => FirmataIo;
}

let loaded: { five: JohnnyFive; firmataIo: FirmataIoModule } | undefined;

export function loadJohnnyFive(): { five: JohnnyFive; firmataIo: FirmataIoModule } {
  if (loaded === undefined) {
    const require = createRequire(import.meta.url);
    loaded = { five: require('johnny-five') as JohnnyFive, firmataIo: require('firmata-io') as FirmataIoModule };
  }
  return loaded;
}

export interface J5Parts {
  adapter: FirmataIoTransport;
  io: FirmataIo;
  board: J5Board;
  battery?: J5Sensor;
  thermistor?: J5Sensor;
  button?: J5Button;
  relay?: J5Relay;
  /** performance.now() of the last raw edge on the button pin: j5 debounces it for 7 ms. */
  lastButtonEdge: number;
}

// j5 arms a connect→ready timer with this; the largest delay Node accepts without clamping to 1 ms.
const J5_TIMER_NEVER = 2 ** 31 - 1;
// Button's debounce (lodash, 7 ms) cannot be cancelled from outside: wait a little longer.
const J5_DEBOUNCE_FLUSH_MS = 15;

/**
 * firmata-io over our adapter, and a johnny-five Board over that, with no REPL, no console
 * output, no SIGINT handler. j5's own ready timeout is pushed out of the way: our Clock owns it.
 */
export function createJ5Board(adapter: FirmataIoTransport, io: FirmataIoOptions): J5Parts {
  const { five, firmataIo } = loadJohnnyFive();
  const firmata = new firmataIo.Firmata(adapter, io);
  const board = new five.Board({ io: firmata, repl: false, debug: false, sigint: false, timeout: J5_TIMER_NEVER });
  return { adapter, io: firmata, board, lastButtonEdge: Number.NEGATIVE_INFINITY };
}

/** Sensors, button and relay as wired; throws (from j5) when the board lacks a pin. */
export function addJ5Components(parts: J5Parts, options: Readonly<ResolvedAuxBoardOptions>): Required<J5Parts> {
  const { five } = loadJohnnyFive();
  const { board, io } = parts;
  const { pins } = options;
  // Sensor medians over its freq window are what we report: cheap noise filtering.
  const freq = Math.min(options.sampleIntervalMs, 250);
  const battery = new five.Sensor({ board, pin: `A${pins.battery}`, freq, threshold: 1 });
  const thermistor = new five.Sensor({ board, pin: `A${pins.thermistor}`, freq, threshold: 1 });
  const button = new five.Button({ board, pin: pins.button, pullup: true, holdtime: 1000 });
  const relay = new five.Relay({ board, pin: pins.relay, type: options.relay === 'normally-closed' ? 'NC' : 'NO' });
  // j5's Relay sets OUTPUT only for "A…" pins; a digital pin keeps whatever mode it booted with.
  io.pinMode(pins.relay, io.MODES.OUTPUT);
  io.on(`digital-read-${pins.button}`, () => {
    parts.lastButtonEdge = performance.now();
  });
  Object.assign(parts, { battery, thermistor, button, relay });
  return parts as Required<J5Parts>;
}

/**
 * Undoes everything that would outlive stop(): sensor intervals, a held button's hold interval,
 * the pending debounce, j5's and firmata-io's handshake timers, the Board.cache entry, listeners.
 * With `quiet`, the board is told to stop streaming first; the relay is left where it is.
 */
export async function teardownJ5(parts: J5Parts, pins: ResolvedAuxBoardOptions['pins'], quiet: boolean): Promise<void> {
  const { io, board, adapter, battery, thermistor, button } = parts;
  if (quiet) {
    io.reportAnalogPin(pins.battery, 0);
    io.reportAnalogPin(pins.thermistor, 0);
    io.reportDigitalPin(pins.button, 0);
  }
  battery?.disable();
  thermistor?.disable();
  if (button?.isDown) {
    // Only a release clears Button's hold interval. Our listeners go first: this edge is not real.
    button.removeAllListeners();
    io.emit(`digital-read-${pins.button}`, button.upValue);
    parts.lastButtonEdge = performance.now();
  }
  const sinceEdge = performance.now() - parts.lastButtonEdge;
  if (sinceEdge < J5_DEBOUNCE_FLUSH_MS) await realDelay(J5_DEBOUNCE_FLUSH_MS - sinceEdge);
  if (board.timer !== null) clearTimeout(board.timer);
  if (io.reportVersionTimeoutId !== undefined) clearTimeout(io.reportVersionTimeoutId);
  const { five } = loadJohnnyFive();
  const cached = five.Board.cache.indexOf(board);
  if (cached >= 0) five.Board.cache.splice(cached, 1);
  for (const emitter of [battery, thermistor, button, board, io]) emitter?.removeAllListeners();
  adapter.detach();
}
