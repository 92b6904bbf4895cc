import {
  type ByteTransport,
  listenOnly,
  openSerialTransport,
  type PortState,
  PortSupervisor,
  type Sample,
  type SupervisedDevice,
  systemClock,
} from '@triporteur/firmware-bridge';
import type { Command } from 'commander';
import { loadEdgeConfig } from '../config/load.js';
import { attachDriver } from '../devices/drivers.js';
import type { DeviceEvent } from '../devices/types.js';
import { type SerialDeviceEntry, type SerialSection, serialDevicesOf } from '../doctor/serial/devices.js';
import { classifyOpenFailure } from '../doctor/serial/open-error.js';
import { EdgeError, EdgeErrorCode } from '../errors.js';

const SECTIONS: readonly SerialSection[] = ['bms', 'motor', 'gps', 'aux'];
/** Display lines the Pi must never drive (as in the service): their drivers only get listenOnly(). */
const LISTEN_ONLY = new Set(['kt', 'bafang']);
const REFRESH_MS = 500;

/**
 * `monitor`: each configured serial device through the service's own drivers, decoded live. It opens
 * the ports itself, locked, so it refuses to start while the service holds them (EDG_SERIAL_OPEN)
 * rather than steal bytes from it; a device missing at start shows as unplugged until it appears.
 */
export function addMonitorCommand(program: Command, out: NodeJS.WriteStream = process.stdout): void {
  program
    .command('monitor')
    .description('show a live decoded view of each serial device (stop the service first: it holds the ports)')
    .requiredOption('-c, --config <file>', 'config file (JSON)')
    .option('--device <section>', `only this device: ${SECTIONS.join('|')}`)
    .option('--lines', 'one line per event instead of a refreshing table (always so when stdout is not a terminal)')
    .option('--seconds <n>', 'stop after this many seconds', (v) => Number.parseFloat(v))
    .action(async (opts: { config: string; device?: string; lines?: boolean; seconds?: number }) => {
      const config = await loadEdgeConfig(opts.config);
      const entries = chosenDevices(serialDevicesOf(config), opts.device);
      const lines = opts.lines === true || !out.isTTY;
      const watched = await openAll(entries, lines ? (text) => out.write(`${text}\n`) : () => undefined);
      const redraw = lines ? undefined : setInterval(() => out.write(screen(watched)), REFRESH_MS);
      if (!lines) out.write(screen(watched));
      await waitForStop(opts.seconds);
      if (redraw) clearInterval(redraw);
      await Promise.all(watched.map((device) => device.stop()));
      for (const device of watched) out.write(`${device.summary()}\n`);
    });
}

function chosenDevices(entries: SerialDeviceEntry[], only: string | undefined): SerialDeviceEntry[] {
  if (only !== undefined && !SECTIONS.includes(only as SerialSection)) {
    throw new EdgeError(EdgeErrorCode.TOOL_INPUT, `unknown device "${only}": use one of ${SECTIONS.join(', ')}`);
  }
  const chosen = only === undefined ? entries : entries.filter((entry) => entry.section === only);
  if (chosen.length === 0) {
    throw new EdgeError(
      EdgeErrorCode.TOOL_INPUT,
      only === undefined
        ? 'no serial device in the config'
        : `no serial device configured as "${only}" (gpsd is not one)`,
    );
  }
  return chosen;
}

/** Opens every port first, so a port held by the service stops monitor before anything runs. */
async function openAll(entries: SerialDeviceEntry[], emit: (line: string) => void): Promise<WatchedDevice[]> {
  const opened: Array<ByteTransport | undefined> = [];
  try {
    for (const entry of entries) opened.push(await firstOpen(entry));
  } catch (err) {
    await Promise.all(opened.map((line) => line?.close()));
    throw err;
  }
  return entries.map((entry, i) => new WatchedDevice(entry, opened[i], emit));
}

async function firstOpen(entry: SerialDeviceEntry): Promise<ByteTransport | undefined> {
  const { path, baudRate } = entry.config;
  try {
    return await openSerialTransport({ path, baudRate });
  } catch (err) {
    const why = classifyOpenFailure(err);
    if (why === 'missing') return undefined;
    const hint =
      why === 'locked'
        ? 'held by another program, most likely the edge service: stop it first (systemctl stop triporteur-edge) or use the dashboard diagnostics'
        : why === 'permission'
          ? 'permission denied: run as root or join the dialout group'
          : (err as Error).message;
    throw new EdgeError(EdgeErrorCode.SERIAL_OPEN, `${entry.section}: cannot open ${path}: ${hint}`, { cause: err });
  }
}

/** One device: the service's driver behind a PortSupervisor (reopened when unplugged), and its counters. */
class WatchedDevice {
  private readonly supervisor: PortSupervisor<SupervisedDevice>;
  private driver: SupervisedDevice | undefined;
  private past = { frames: 0, discardedBytes: 0 };
  private samples = 0;
  private last: Sample | undefined;
  private port: PortState = 'opening';
  private reason = '';
  /** The link state when monitor was stopped, for the summary (stopping makes every port 'stopped'). */
  private finalPort: PortState | undefined;

  constructor(
    private readonly entry: SerialDeviceEntry,
    first: ByteTransport | undefined,
    private readonly emit: (line: string) => void,
  ) {
    const { config } = entry;
    let handOver = first;
    this.supervisor = new PortSupervisor<SupervisedDevice>({
      path: config.path,
      baudRate: config.baudRate,
      clock: systemClock,
      open: (options) => {
        const line = handOver;
        handOver = undefined;
        return line ? Promise.resolve(line) : openSerialTransport(options);
      },
      attach: (transport) => this.attach(transport),
    });
    this.supervisor.on('state', (state, _previous, reason) => {
      this.port = state;
      this.reason = reason ? `${reason.code} ${reason.message}` : '';
      this.log(`state ${state}${reason ? ` ${reason.code}` : ''}`);
    });
    this.supervisor.start();
  }

  get frames(): number {
    return this.past.frames + (this.driver?.stats.frames ?? 0);
  }

  get discardedBytes(): number {
    return this.past.discardedBytes + (this.driver?.stats.discardedBytes ?? 0);
  }

  async stop(): Promise<void> {
    this.finalPort = this.port;
    await this.supervisor.stop();
  }

  summary(): string {
    return `${this.entry.section} summary state=${this.finalPort ?? this.port} frames=${this.frames} discardedBytes=${this.discardedBytes} samples=${this.samples}`;
  }

  /** The table block: heading, counters, last values. */
  block(now: number): string {
    const { section, config, label } = this.entry;
    const age = this.last === undefined ? '—' : `${((now - this.last.at) / 1000).toFixed(1).replace('.', ',')} s`;
    return [
      `${label} [${section}] ${config.type} ${config.path} @ ${config.baudRate} — ${this.port}${this.reason ? ` (${this.reason})` : ''}`,
      `  trames ${this.frames} · octets rejetés ${this.discardedBytes} · échantillons ${this.samples} · dernier il y a ${age}`,
      `  ${this.last === undefined ? '(pas encore de valeur)' : fields(this.last)}`,
    ].join('\n');
  }

  private attach(transport: ByteTransport): SupervisedDevice {
    // A reopen brings a fresh driver: keep what the last one counted.
    this.past = { frames: this.frames, discardedBytes: this.discardedBytes };
    const line = LISTEN_ONLY.has(this.entry.config.type) ? listenOnly(transport) : transport;
    const driver = attachDriver(this.entry.config, line, systemClock, {
      sample: (sample) => {
        this.samples++;
        this.last = sample;
        this.log(`sample ${fields(sample)}`);
      },
      event: (event) => this.log(describeEvent(event)),
    });
    this.driver = driver;
    return driver;
  }

  private log(text: string): void {
    this.emit(`${new Date().toISOString()} ${this.entry.section} ${text}`);
  }
}

function describeEvent(event: DeviceEvent): string {
  switch (event.type) {
    case 'discard':
      return `discard ${event.bytes} bytes (${event.reason})`;
    case 'error':
      return `error ${event.error.code} ${event.error.message}`;
    default:
      return `event ${event.type} ${JSON.stringify(event, (_k, v: unknown) => (v instanceof Uint8Array ? undefined : v))}`;
  }
}

/** A sample as key=value pairs, leaving out what every sample has (kind, time, quality marks). */
function fields(sample: Sample): string {
  const pairs: string[] = [];
  const add = (key: string, value: unknown) => {
    if (value === undefined) return;
    if (typeof value === 'number') pairs.push(`${key}=${Number(value.toFixed(3))}`);
    else if (Array.isArray(value))
      pairs.push(`${key}=${value.map((v) => (typeof v === 'number' ? Number(v.toFixed(3)) : v)).join('/')}`);
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) add(`${key}.${k}`, v);
    } else pairs.push(`${key}=${String(value)}`);
  };
  for (const [key, value] of Object.entries(sample)) {
    if (key !== 'kind' && key !== 'at' && key !== 'quality') add(key, value);
  }
  return pairs.join(' ');
}

function screen(devices: readonly WatchedDevice[]): string {
  const now = Date.now();
  const heading = `triporteur-edge monitor — ${new Date(now).toLocaleTimeString('fr-FR')} — Ctrl-C pour quitter`;
  // Home and clear, then the whole view: one write per refresh, so the terminal never shows half of it.
  return `\x1b[H\x1b[2J${[heading, ...devices.map((device) => device.block(now))].join('\n\n')}\n`;
}

function waitForStop(seconds: number | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = seconds === undefined ? undefined : setTimeout(stop, seconds * 1000);
    function stop() {
      if (timer) clearTimeout(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    }
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
