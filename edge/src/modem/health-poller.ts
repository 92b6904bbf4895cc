import type { Clock, TimerHandle } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import type { UplinkHealth } from '../records/sources.js';
import { isModemError, ModemErrorCode } from './errors.js';
import type { ModemReader, ModemReading } from './mmcli-reader.js';

/** The 4G fields of the uplink telemetry kind, as the poller fills them. */
export type ModemAggregate = Pick<
  UplinkHealth,
  'signalPct' | 'rsrpDbm' | 'rsrqDb' | 'sinrDb' | 'operator' | 'tech' | 'registered' | 'modemBytesRx' | 'modemBytesTx'
>;

export interface ModemHealthOptions {
  reader: ModemReader;
  clock: Clock;
  logger: Logger;
  /** How often the modem is read, ms: signal moves slowly, and each read runs a few mmcli commands. */
  intervalMs?: number;
  /**
   * A reading older than this is dropped from the aggregate, ms. Between a refused read and this age the
   * last good reading stands; past it, an old RSRP would mislead more than no RSRP.
   */
  staleAfterMs?: number;
}

export class ModemHealthPoller {
  private reading: ModemReading | undefined;
  private readingAt = 0;
  private errorCode: string | undefined;
  private timer: TimerHandle | undefined;
  private polling: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: ModemHealthOptions) {}

  /** The last error's code, while reads fail; undefined once one succeeds. */
  get lastErrorCode(): string | undefined {
    return this.errorCode;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
  }

  /** One read; concurrent calls share it. Never throws: failures are logged and counted as the error code. */
  pollOnce(): Promise<void> {
    this.polling ??= this.read().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  aggregate(now: number = this.options.clock.now()): ModemAggregate {
    const r = this.reading;
    if (r === undefined || now - this.readingAt > (this.options.staleAfterMs ?? 5 * 60_000)) return {};
    return {
      ...(r.signalPct !== undefined ? { signalPct: r.signalPct } : {}),
      ...(r.rsrpDbm !== undefined ? { rsrpDbm: r.rsrpDbm } : {}),
      ...(r.rsrqDb !== undefined ? { rsrqDb: r.rsrqDb } : {}),
      ...(r.sinrDb !== undefined ? { sinrDb: r.sinrDb } : {}),
      ...(r.operator !== undefined ? { operator: r.operator } : {}),
      ...(r.tech !== undefined ? { tech: r.tech } : {}),
      ...(r.registered !== undefined ? { registered: r.registered } : {}),
      ...(r.bytesRx !== undefined ? { modemBytesRx: r.bytesRx } : {}),
      ...(r.bytesTx !== undefined ? { modemBytesTx: r.bytesTx } : {}),
    };
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      void this.pollOnce().finally(() => this.schedule(this.options.intervalMs ?? 60_000));
    }, ms);
  }

  private async read(): Promise<void> {
    const { logger, clock } = this.options;
    try {
      const reading = await this.options.reader.read();
      const before = this.reading;
      if (this.errorCode !== undefined) logger.info({ event: 'modem-read-ok' }, 'modem readable again');
      if (before?.registered !== reading.registered || before?.present !== reading.present) {
        logger.info(
          { event: 'modem-registration', present: reading.present, registered: reading.registered, tech: reading.tech },
          reading.registered ? 'modem registered' : 'modem not registered',
        );
      }
      this.reading = reading;
      this.readingAt = clock.now();
      this.errorCode = undefined;
    } catch (err) {
      const code = isModemError(err) ? err.code : ModemErrorCode.COMMAND_FAILED;
      // Once per kind of failure, not once a minute: a router-only unit has no mmcli at all.
      if (code !== this.errorCode) {
        logger.warn(
          { event: 'modem-read-failed', code, failure: err instanceof Error ? err.message : String(err) },
          'cannot read the modem; keeping the last good reading',
        );
      }
      this.errorCode = code;
    }
  }
}
