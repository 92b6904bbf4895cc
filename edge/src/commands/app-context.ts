import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type ByteTransport, formatCaptureChunk, formatCaptureHeader } from '@triporteur/firmware-bridge';
import type { EdgeStatus } from '../app.js';
import { validateEdgeConfig } from '../config/load.js';
import type { EdgeConfig } from '../config/schema.js';
import type { DoctorSeams } from '../doctor/context.js';
import { toDiagnostics } from '../doctor/remote.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { EdgeError, EdgeErrorCode } from '../errors.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import type { Host } from '../host.js';
import type { LocationPrivacyState } from '../privacy/location-privacy.js';
import { configValueAt } from './config-keys.js';
import type { CaptureInfo, CommandContext } from './handlers.js';

/** What the running service lets remote commands see and do; app.ts provides it. */
export interface AppInternals {
  host: Host;
  config(): Readonly<EdgeConfig>;
  /** The config file on the unit, when the service was started from one: config-set writes it. */
  configPath?: string;
  status(): EdgeStatus;
  bmsTransport(): ByteTransport | undefined;
  oldestPendingTs(): number | null;
  /** Settings that take effect at once, without a restart. */
  setLive(key: LiveKey, value: number): void;
  restartBms(): Promise<void>;
  restartUplink(): Promise<void>;
  /** The dashboard's location toggle (privacy/location-privacy.ts). */
  setLocationPause(paused: boolean): LocationPrivacyState;
  /** Replaces parts of the system run-diagnostics reads (tests: a namespace runner, a temp /sys tree). */
  doctor?: Omit<DoctorSeams, 'live'>;
}

/** Telemetry timings are read at every tick, so these apply at once; every other key needs a restart. */
export const LIVE_KEYS = ['telemetry.sampleIntervalMs', 'telemetry.batchIntervalMs', 'telemetry.maxBatch'] as const;
export type LiveKey = (typeof LIVE_KEYS)[number];
const isLiveKey = (key: string): key is LiveKey => (LIVE_KEYS as readonly string[]).includes(key);

/**
 * The remote side of a technician's tools: status, diagnostics, a raw capture of the BMS line (tapped,
 * never written to), config get/set, subsystem restarts. Captures stay on the unit, next to the outbox.
 */
export function appCommandContext(app: AppInternals): CommandContext {
  let capture: { file: string; bytes: number; stop(): Promise<void> } | undefined;

  const stopCapture = async (): Promise<CaptureInfo> => {
    if (!capture) throw new EdgeError(EdgeErrorCode.CMD_INVALID, 'no capture is running');
    const { file, bytes } = capture;
    await capture.stop();
    capture = undefined;
    return { file, bytes };
  };

  return {
    getStatus: () => app.status(),

    async runDiagnostics() {
      // The same checks as `triporteur-edge doctor`, reading the service's own session, outbox and device
      // links rather than opening second ones beside them.
      const { host } = app;
      const report = await runDoctor(app.config(), {
        connectMqtt: host.connectMqtt,
        readFile: host.readFile,
        clock: host.clock,
        logger: host.logger.child({ module: 'doctor' }),
        live: {
          uplink: () => app.status().uplink,
          outbox: () => ({ depth: app.status().pendingRecords, oldestTs: app.oldestPendingTs() }),
          pendingEvents: () => app.status().pendingEvents,
          devices: () => app.status().devices,
        },
        ...app.doctor,
      });
      return toDiagnostics(report);
    },

    async startCapture({ port, seconds }) {
      const config = app.config();
      // Only the port this service already owns: a remote command must not open arbitrary devices.
      if (port !== config.bms.path) {
        throw new EdgeError(
          EdgeErrorCode.CMD_INVALID,
          `capture is available on the BMS port only (${config.bms.path})`,
        );
      }
      const transport = app.bmsTransport();
      if (!transport) throw new EdgeError(EdgeErrorCode.CMD_FAILED, 'the BMS port is not open');
      if (capture) throw new EdgeError(EdgeErrorCode.CMD_BUSY, `a capture is already running (${capture.file})`);
      const started = app.host.clock.now();
      const dir = join(dirname(config.outbox.path), 'captures');
      await mkdir(dir, { recursive: true });
      const file = join(dir, `bms-${new Date(started).toISOString().replace(/[:.]/g, '-')}.cap`);
      const lines: string[] = [
        formatCaptureHeader({
          port,
          baudRate: config.bms.baudRate,
          protocol: 'jbd',
          startedAt: new Date(started).toISOString(),
        }),
      ];
      const current = { file, bytes: 0, stop: async () => {} };
      const untap = transport.onData((chunk) => {
        current.bytes += chunk.length;
        lines.push(formatCaptureChunk({ t: app.host.clock.now() - started, bytes: chunk }));
      });
      const timer = app.host.clock.setTimeout(() => void stopCapture().catch(() => undefined), (seconds ?? 60) * 1000);
      current.stop = async () => {
        untap();
        app.host.clock.clearTimeout(timer);
        await writeFile(file, lines.join(''));
      };
      capture = current;
      return { file, bytes: 0 };
    },

    stopCapture,

    getConfig: (key) => configValueAt(app.config(), key),

    async setConfig(key, value) {
      if (isLiveKey(key) && typeof value === 'number') app.setLive(key, value);
      if (!app.configPath) {
        if (isLiveKey(key)) return { applied: true, restartRequired: false };
        throw new EdgeError(EdgeErrorCode.CMD_FAILED, 'this service was not started from a config file it can write');
      }
      // Read, change, validate the whole file, then replace it atomically: a power cut leaves old or new.
      const raw = JSON.parse(await readFile(app.configPath, 'utf8')) as Record<string, unknown>;
      setAt(raw, key, value);
      validateEdgeConfig(raw);
      // 0600: the file holds the broker password (and the staff passphrase); a plain rewrite made it 0644.
      await writeFileAtomic(app.configPath, `${JSON.stringify(raw, null, 2)}\n`, 0o600);
      return { applied: isLiveKey(key), restartRequired: !isLiveKey(key) };
    },

    async restartSubsystem(name) {
      if (name === 'bms') await app.restartBms();
      else await app.restartUplink();
    },

    setLocationPause: (paused) => app.setLocationPause(paused),
  };
}

function setAt(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== 'object') node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1) ?? key] = value;
}
