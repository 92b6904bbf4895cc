import type { Logger } from 'pino';
import type { CommandResult, CommandRunner } from '../hotspot/system/command.js';
import { HotspotError, HotspotErrorCode } from '../hotspot/system/errors.js';
import { ModemError, ModemErrorCode } from './errors.js';
import { type BearerStats, parseBearer, parseModemList, parseModemStatus, parseSignal } from './mmcli-json.js';

/** One reading of the 4G modem. Every field but `present` is absent when the modem does not say. */
export interface ModemReading {
  /** False when ModemManager runs but sees no modem (unplugged, or powered off by the relay). */
  present: boolean;
  state?: string;
  operator?: string;
  tech?: string;
  registered?: boolean;
  signalPct?: number;
  rsrpDbm?: number;
  rsrqDb?: number;
  sinrDb?: number;
  /** Bytes the modem's connected bearer received and sent: the SIM's data use as the modem counts it. */
  bytesRx?: number;
  bytesTx?: number;
}

/** Where 4G health comes from: ModemManager today; a router's API would be another implementation. */
export interface ModemReader {
  read(): Promise<ModemReading>;
}

export interface MmcliReaderOptions {
  logger: Logger;
  /** The modem's own signal polling period, s (mmcli --signal-setup): extended signal is 0 until set. */
  signalRateS?: number;
}

/** At most this many bearers are read per poll (a modem has one or two: default and initial EPS). */
const MAX_BEARERS = 4;

export function createMmcliReader(runner: CommandRunner, options: MmcliReaderOptions): ModemReader {
  const { logger, signalRateS = 30 } = options;
  /** Per modem path: whether --signal-setup was accepted. A re-plugged modem gets a new path, and a new setup. */
  const signalSetUp = new Map<string, boolean>();
  const mmcli = async (args: readonly string[]) => checked(await run(runner, args), args);

  async function extendedSignal(path: string) {
    if (!signalSetUp.has(path)) {
      const setup = await run(runner, ['-m', path, `--signal-setup=${signalRateS}`]);
      signalSetUp.set(path, setup.code === 0);
      if (setup.code !== 0) {
        // "error: modem has no extended signal capabilities": a fact of the modem, not a failure to retry.
        logger.info(
          { event: 'modem-no-extended-signal', detail: firstLine(setup) },
          'no RSRP/RSRQ/SINR from this modem',
        );
      }
    }
    return signalSetUp.get(path) ? parseSignal(await mmcli(['-m', path, '--signal-get', '-J'])) : {};
  }

  return {
    async read() {
      const [path] = parseModemList(await mmcli(['-L', '-J']));
      if (path === undefined) return { present: false, registered: false };
      const status = parseModemStatus(await mmcli(['-m', path, '-J']));
      const signal = await extendedSignal(path);
      const bearers: BearerStats[] = [];
      for (const bearer of status.bearers.slice(0, MAX_BEARERS)) {
        bearers.push(parseBearer(await mmcli(['-b', bearer, '-J'])));
      }
      const { bearers: _paths, registration: _registration, ...fields } = status;
      return { present: true, ...fields, ...signal, ...dataUsed(bearers) };
    },
  };
}

/** Sums the connected bearers; with none connected, the modem moves no data and says nothing. */
function dataUsed(bearers: readonly BearerStats[]): Pick<ModemReading, 'bytesRx' | 'bytesTx'> {
  const connected = bearers.filter((b) => b.connected === true);
  const sum = (key: 'bytesRx' | 'bytesTx') =>
    connected.some((b) => b[key] !== undefined) ? connected.reduce((n, b) => n + (b[key] ?? 0), 0) : undefined;
  const bytesRx = sum('bytesRx');
  const bytesTx = sum('bytesTx');
  return { ...(bytesRx !== undefined ? { bytesRx } : {}), ...(bytesTx !== undefined ? { bytesTx } : {}) };
}

async function run(runner: CommandRunner, args: readonly string[]): Promise<CommandResult> {
  try {
    return await runner.run('mmcli', args);
  } catch (err) {
    if (err instanceof HotspotError && err.code === HotspotErrorCode.COMMAND_START) {
      throw new ModemError(ModemErrorCode.TOOL_MISSING, 'mmcli cannot be run: is ModemManager installed?', {
        cause: err,
      });
    }
    throw new ModemError(ModemErrorCode.COMMAND_FAILED, `mmcli ${args.join(' ')} did not finish`, { cause: err });
  }
}

/** mmcli prints "error: …" on stderr and exits 1 (ModemManager not on the bus, modem gone). */
function checked(result: CommandResult, args: readonly string[]): string {
  if (result.code === 0) return result.stdout;
  throw new ModemError(
    ModemErrorCode.COMMAND_FAILED,
    `mmcli ${args.join(' ')} exited with ${result.code}: ${firstLine(result)}`,
  );
}

function firstLine(result: CommandResult): string {
  return (result.stderr.trim() || result.stdout.trim() || '(no output)').split('\n')[0]?.slice(0, 200) ?? '';
}
