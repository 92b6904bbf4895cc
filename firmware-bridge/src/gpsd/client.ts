import { connect, type Socket } from 'node:net';
import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { BridgeError, BridgeErrorCode } from '../errors.js';
import { TypedEvents, type Unsubscribe } from '../events.js';
import { type GpsPositionSample, PositionGate, type PositionQualityOptions } from '../nmea/quality.js';
import type { DeviceState } from '../samples.js';
import {
  GPSD_DEFAULT_PORT,
  type GpsdMessage,
  type GpsdSky,
  parseGpsdLine,
  tpvToRaw,
  watchCommand,
} from './protocol.js';

/**
 * A gpsd client over TCP: the alternative GPS source when gpsd already owns the receiver (and
 * disciplines the clock). It watches JSON reports and turns each TPV into the same
 * PositionSample as the NMEA receiver (source 'gpsd'). A lost or refused connection is retried
 * with exponential backoff on the injected Clock; junk never throws, it becomes BRG_GPSD_PROTOCOL.
 * node:net stays in this file: it is the I/O adapter, the protocol is pure (protocol.ts).
 */
export interface GpsdClientOptions extends PositionQualityOptions {
  host?: string;
  port?: number;
  clock?: Clock;
  /** Watch only this device path (e.g. /dev/ttyACM0); all devices by default. */
  device?: string;
  /** First retry delay; doubles per failure up to reconnectMaxMs. Defaults 1000 and 30000 ms. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** gpsd greets with VERSION at once; no greeting this long after connecting means it is not gpsd. Default 5000 ms. */
  handshakeTimeoutMs?: number;
  /** No TPV for this long: 'silent' (never had one) or 'asleep'. Default 5000 ms. */
  silenceTimeoutMs?: number;
}

export type GpsdClientEvents = {
  sample: [sample: GpsPositionSample];
  /** Every well-formed report, VERSION and DEVICES included. */
  message: [message: GpsdMessage];
  state: [state: DeviceState, previous: DeviceState];
  error: [error: BridgeError];
};

export interface GpsdClientStats {
  connectAttempts: number;
  /** Connections that never got a VERSION greeting (refused, timed out, not gpsd). */
  connectFailures: number;
  /** Connections lost after the greeting. */
  disconnects: number;
  lines: number;
  junkLines: number;
  reports: number;
  samples: number;
}

/** gpsd caps a report at 10240 bytes; anything longer without a newline is not gpsd talking. */
const MAX_LINE = 16_384;

export class GpsdClient {
  private readonly host: string;
  private readonly port: number;
  private readonly clock: Clock;
  private readonly device: string | undefined;
  private readonly reconnectMinMs: number;
  private readonly reconnectMaxMs: number;
  private readonly handshakeTimeoutMs: number;
  private readonly silenceTimeoutMs: number;
  private readonly gate: PositionGate;
  private readonly events = new TypedEvents<GpsdClientEvents>();
  private readonly counters: GpsdClientStats = {
    connectAttempts: 0,
    connectFailures: 0,
    disconnects: 0,
    lines: 0,
    junkLines: 0,
    reports: 0,
    samples: 0,
  };
  private current: DeviceState = 'connecting';
  private running = false;
  private socket: Socket | undefined;
  private greeted = false;
  private buffer = '';
  private failuresInARow = 0;
  private everReported = false;
  private lastReportAt = 0;
  private sky: GpsdSky | undefined;
  private lastError: Error | undefined;
  private timers: { retry?: TimerHandle; handshake?: TimerHandle; silence?: TimerHandle } = {};
  private closed: Promise<void> = Promise.resolve();

  constructor(options: GpsdClientOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? GPSD_DEFAULT_PORT;
    this.clock = options.clock ?? systemClock;
    this.device = options.device;
    this.reconnectMinMs = positive('reconnectMinMs', options.reconnectMinMs ?? 1000);
    this.reconnectMaxMs = Math.max(this.reconnectMinMs, positive('reconnectMaxMs', options.reconnectMaxMs ?? 30_000));
    this.handshakeTimeoutMs = positive('handshakeTimeoutMs', options.handshakeTimeoutMs ?? 5000);
    this.silenceTimeoutMs = positive('silenceTimeoutMs', options.silenceTimeoutMs ?? 5000);
    if (!Number.isInteger(this.port) || this.port < 1 || this.port > 65_535) {
      throw new BridgeError(BridgeErrorCode.OPTION_INVALID, `gpsd port ${this.port} is not a TCP port`);
    }
    this.gate = new PositionGate('gpsd', options);
  }

  get state(): DeviceState {
    return this.current;
  }

  get stats(): GpsdClientStats {
    return { ...this.counters };
  }

  /** Why the last connection attempt failed (ECONNREFUSED when gpsd is not running), for diagnostics. */
  get lastConnectError(): Error | undefined {
    return this.lastError;
  }

  on<K extends keyof GpsdClientEvents>(event: K, listener: (...args: GpsdClientEvents[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.everReported = false;
    this.failuresInARow = 0;
    this.lastReportAt = this.clock.now();
    this.gate.reset();
    this.setState('connecting');
    this.armSilence(this.silenceTimeoutMs);
    this.open();
  }

  /** Closes the connection and cancels every timer; resolves once the socket is closed. */
  async stop(): Promise<void> {
    this.running = false;
    for (const timer of Object.values(this.timers)) if (timer !== undefined) this.clock.clearTimeout(timer);
    this.timers = {};
    this.socket?.destroy();
    this.setState('stopped');
    await this.closed;
  }

  private open(): void {
    this.counters.connectAttempts++;
    this.greeted = false;
    this.buffer = '';
    this.sky = undefined;
    const socket = connect({ host: this.host, port: this.port });
    this.socket = socket;
    socket.setEncoding('utf8');
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    this.timers.handshake = this.clock.setTimeout(() => {
      this.timers.handshake = undefined;
      this.protocolError(`no VERSION greeting from ${this.host}:${this.port} within ${this.handshakeTimeoutMs} ms`);
      socket.destroy();
    }, this.handshakeTimeoutMs);
    socket.on('connect', () => {
      socket.write(watchCommand(this.device));
    });
    socket.on('data', (chunk: string) => this.onData(socket, chunk));
    socket.on('error', (err) => {
      this.lastError = err;
    });
    socket.on('close', () => this.onClose(socket));
  }

  private onClose(socket: Socket): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    if (this.timers.handshake !== undefined) this.clock.clearTimeout(this.timers.handshake);
    this.timers.handshake = undefined;
    if (!this.running) return;
    if (this.greeted) {
      this.counters.disconnects++;
      this.protocolError('gpsd closed the connection');
    } else {
      this.counters.connectFailures++;
    }
    const delay = Math.min(this.reconnectMaxMs, this.reconnectMinMs * 2 ** this.failuresInARow);
    this.failuresInARow++;
    this.timers.retry = this.clock.setTimeout(() => {
      this.timers.retry = undefined;
      if (this.running) this.open();
    }, delay);
  }

  private onData(socket: Socket, chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    // A hang-up decided on one line (not gpsd after all) ends the reading of the rest.
    while (newline >= 0 && this.running && !socket.destroyed) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      if (line.length > 0) this.onLine(line);
      newline = this.buffer.indexOf('\n');
    }
    if (this.buffer.length > MAX_LINE) {
      this.buffer = '';
      this.counters.junkLines++;
      this.protocolError(`a line longer than ${MAX_LINE} characters`);
    }
  }

  private onLine(line: string): void {
    this.counters.lines++;
    const parsed = parseGpsdLine(line);
    if (!parsed.ok) {
      this.counters.junkLines++;
      this.protocolError(`${parsed.reason}: ${JSON.stringify(line.slice(0, 80))}`);
      // Whatever answers before greeting us with VERSION is not gpsd: hang up and retry later.
      if (!this.greeted) this.socket?.destroy();
      return;
    }
    const message = parsed.message;
    this.events.emit('message', message);
    switch (message.class) {
      case 'VERSION':
        this.greeted = true;
        this.failuresInARow = 0;
        if (this.timers.handshake !== undefined) this.clock.clearTimeout(this.timers.handshake);
        this.timers.handshake = undefined;
        return;
      case 'ERROR':
        this.protocolError(`gpsd says: ${message.message}`);
        return;
      case 'SKY':
        if (this.mine(message.device)) this.sky = message;
        return;
      case 'TPV': {
        if (!this.mine(message.device)) return;
        this.counters.reports++;
        this.everReported = true;
        this.lastReportAt = this.clock.now();
        this.setState('connected');
        if (this.timers.silence === undefined) this.armSilence(this.silenceTimeoutMs);
        const sample = this.gate.apply(tpvToRaw(message, this.sky, this.clock.now()));
        this.counters.samples++;
        this.events.emit('sample', sample);
        return;
      }
    }
  }

  private mine(device: string | undefined): boolean {
    return this.device === undefined || device === undefined || device === this.device;
  }

  private armSilence(ms: number): void {
    this.timers.silence = this.clock.setTimeout(() => {
      this.timers.silence = undefined;
      if (!this.running) return;
      const quietFor = this.clock.now() - this.lastReportAt;
      if (quietFor < this.silenceTimeoutMs) {
        this.armSilence(this.silenceTimeoutMs - quietFor);
        return;
      }
      this.setState(this.everReported ? 'asleep' : 'silent');
    }, ms);
  }

  private protocolError(message: string): void {
    this.events.emit('error', new BridgeError(BridgeErrorCode.GPSD_PROTOCOL, message));
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
