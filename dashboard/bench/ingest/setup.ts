import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@triporteur/edge/testing';
import { hashSecret } from '../../src/auth/secrets.js';
import { writeMosquittoSetup } from '../../src/broker/mosquitto-files.js';
import { setMosquittoPasswords } from '../../src/broker/mosquitto-passwords.js';
import { type MosquittoProcess, runMosquitto } from '../../src/broker/mosquitto-process.js';
import { type DashboardConfig, type StoreConfig, validateDashboardConfig } from '../../src/config.js';
import { benchUnitIds } from './fleet-gen.js';
import type { UnitLogin } from './protocol.js';

/**
 * The bench's broker as production runs it: Debian's Mosquitto with the files the dashboard generates
 * (`mosquitto.conf`, the per-unit ACL, the password file written by `mosquitto_passwd`), so every unit
 * logs in with its own account and may publish only under its own prefix.
 */

export interface BenchFleet {
  dir: string;
  units: UnitLogin[];
  ingest: { username: string; password: string };
  mqttUrl: string;
  broker: MosquittoProcess;
  /** A dashboard config on this broker and the given store (HTTP on a free loopback port). */
  config(store: StoreConfig): Readonly<DashboardConfig>;
  close(): Promise<void>;
}

export async function startBenchFleet(unitCount: number, log: (line: string) => void): Promise<BenchFleet> {
  const dir = await mkdtemp(join(tmpdir(), 'dashboard-ingest-bench-'));
  try {
    // Started as root, mosquitto drops to its own user, which must reach these files and its data dir.
    await chmod(dir, 0o755);
    await mkdir(join(dir, 'data'), { mode: 0o777 });
    await chmod(join(dir, 'data'), 0o777);

    // Each unit has its own account; they share one secret, so the config's scrypt hash (which only the
    // embedded broker checks, ~25 ms each) is computed once instead of 1,000 times.
    const secret = randomBytes(24).toString('base64url');
    const secretHash = await hashSecret(secret);
    const units = benchUnitIds(unitCount).map((id) => ({ id, secret }));
    const ingest = { username: 'dashboard-ingest', password: randomBytes(24).toString('base64url') };
    const port = await freePort();
    const mqttUrl = `mqtt://127.0.0.1:${port}`;
    const config = (store: StoreConfig) =>
      validateDashboardConfig({
        configVersion: 1,
        http: { host: '127.0.0.1', port: 0, cookieSecure: false },
        broker: { mode: 'external', url: mqttUrl, ...ingest },
        store,
        units: units.map((u, i) => ({ id: u.id, name: `Triporteur ${i + 1}`, secretHash })),
      });

    const started = Date.now();
    const setup = await writeMosquittoSetup({
      config: config({ engine: 'sqlite', path: join(dir, 'unused.db') }),
      outDir: dir,
      host: '127.0.0.1',
      port,
      persistenceDir: join(dir, 'data'),
    });
    // The units' passwords through the same mosquitto_passwd path as provisioning; writeMosquittoSetup
    // would first check each secret against its scrypt hash, which adds nothing here (we just made it).
    await setMosquittoPasswords(
      setup.files.passwords,
      units.map((u) => ({ username: u.id, password: u.secret })),
    );
    await chmod(setup.files.passwords, 0o644);
    log(`Mosquitto files for ${unitCount} units written in ${Date.now() - started} ms`);
    const broker = await runMosquitto(setup.files.conf, port);
    return {
      dir,
      units,
      ingest,
      mqttUrl,
      broker,
      config,
      async close() {
        await broker.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
