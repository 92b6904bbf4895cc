import type { Clock } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import { normalizeMac } from '../hotspot/sessions/daily-devices.js';
import type { SessionObserver } from '../hotspot/sessions/ports.js';
import type { LegalLogSection } from './config.js';
import { ConntrackSource } from './conntrack/source.js';
import type { ProcessSpawner } from './conntrack/spawner.js';
import { LegalLogError, LegalLogErrorCode } from './errors.js';
import { LegalLogWriter } from './store/writer.js';

export interface LegalLogOptions {
  /** The residents' IPv4 subnet (the hotspot section's residents.subnet). */
  residentsSubnet: string;
  clock: Clock;
  logger: Logger;
  /** Runs conntrack; the default spawns it here (tests: inside a namespace). */
  spawner?: ProcessSpawner;
  /** Overrides for tests: quicker restarts than the production backoff. */
  conntrack?: { restartDelayMs?: number; maxRestartDelayMs?: number; conntrackPath?: string };
}

export interface RunningLegalLog {
  /** Hand this to HotspotSessions: it records each session's MAC, address, start and end. */
  readonly observer: SessionObserver;
  /** Seals and syncs what is queued now (tests, and before a planned shutdown). */
  flush(): Promise<void>;
  /** Stops conntrack, then writes what is queued. */
  stop(): Promise<void>;
}

/**
 * The legal connection log as one service: session records from the hotspot's sessions, NAT mappings
 * from conntrack, both sealed to the association's key into the day files.
 */
export async function startLegalLog(section: LegalLogSection, options: LegalLogOptions): Promise<RunningLegalLog> {
  const { clock, logger } = options;
  const writer = new LegalLogWriter({
    directory: section.directory,
    recipient: section.publicKey,
    clock,
    logger,
    timeZone: section.timeZone,
    retentionDays: section.retentionDays,
    flushIntervalMs: section.flushIntervalMs,
    maxBatchRecords: section.maxBatchRecords,
  });
  // A hotspot that must keep this log does not start without it: the error names the directory.
  await writer.start().catch((err: unknown) => {
    throw new LegalLogError(
      LegalLogErrorCode.WRITE_FAILED,
      `cannot prepare the legal log directory ${section.directory}: ${(err as Error).message}`,
      { cause: err },
    );
  });
  const conntrack = new ConntrackSource({
    subnet: options.residentsSubnet,
    clock,
    logger,
    onRecord: (record) => writer.append(record),
    ...(options.spawner ? { spawner: options.spawner } : {}),
    ...options.conntrack,
  });
  conntrack.start();
  const mac = (value: string | undefined) => (value === undefined ? null : normalizeMac(value));
  const observer: SessionObserver = {
    sessionStarted: (event) =>
      writer.append({
        kind: 'session-start',
        at: event.at,
        ip: event.ip,
        mac: mac(event.mac),
        ...(event.resumed ? { resumed: true as const } : {}),
      }),
    sessionEnded: (event) =>
      writer.append({ kind: 'session-end', at: event.at, ip: event.ip, mac: mac(event.mac), reason: event.reason }),
  };
  let stopping: Promise<void> | undefined;
  return {
    observer,
    flush: () => writer.flush(),
    stop: () => {
      stopping ??= conntrack.stop().then(() => writer.stop());
      return stopping;
    },
  };
}
