import { readFile } from 'node:fs/promises';
import { hashSecret } from '../auth/secrets.js';
import { type DashboardConfig, loadDashboardConfig, validateDashboardConfig } from '../config.js';
import { serverUrl } from '../net.js';
import { checkUnitId } from './mosquitto.js';
import { MosquittoError, MosquittoErrorCode } from './mosquitto-errors.js';
import { ingestAccount, mosquittoPaths, writeFileAtomic, writeMosquittoAcl } from './mosquitto-files.js';
import {
  type CommandRunner,
  execFileRunner,
  generateUnitSecret,
  setMosquittoPasswords,
} from './mosquitto-passwords.js';

export interface ProvisionUnitOptions {
  configPath: string;
  id: string;
  name: string;
  /** Directory of mosquitto-config's files: the unit also gets its password there and the ACL is rewritten. */
  mosquittoDir?: string;
  run?: CommandRunner;
}

export interface ProvisionedUnit {
  id: string;
  name: string;
  /** Shown to the technician once; only its scrypt hash is stored. */
  secret: string;
  /** Where the dashboard config says the broker is, without credentials. */
  mqttUrl: string;
  /** The Mosquitto files that were updated, when a directory was given. */
  mosquitto?: ReturnType<typeof mosquittoPaths>;
}

export function brokerUrlFor(config: Readonly<DashboardConfig>): string {
  if (config.broker.mode === 'embedded') return serverUrl('mqtt', config.broker.host, config.broker.port);
  const url = new URL(config.broker.url);
  url.username = '';
  url.password = '';
  return url.toString().replace(/\/$/, '');
}

/**
 * Adds a unit: a fresh secret, its hash in the dashboard config and, with a Mosquitto directory, its
 * password and ACL block there. Mosquitto is updated before the config, so a failure leaves at most a
 * password without a config entry, which a rerun overwrites; the other order would leave a unit in
 * the config that can never log in and that a rerun refuses as a duplicate.
 */
export async function provisionUnit(options: ProvisionUnitOptions): Promise<ProvisionedUnit> {
  const id = checkUnitId(options.id);
  const config = await loadDashboardConfig(options.configPath);
  if (config.units.some((u) => u.id === id) || ingestAccount(config).username === id) {
    throw new MosquittoError(
      MosquittoErrorCode.DUPLICATE_UNIT,
      `the dashboard config already has an account "${id}"; pick another id`,
    );
  }
  // Edited as written (relative store path, no filled-in defaults); validated again before anything is written.
  const original = await readFile(options.configPath, 'utf8');
  const raw = JSON.parse(original) as { units: unknown[] };
  const secret = generateUnitSecret();
  const unit = { id, name: options.name, secretHash: await hashSecret(secret) };
  const edited = { ...raw, units: [...raw.units, unit] };
  const next = validateDashboardConfig(structuredClone(edited));

  let mosquitto: ProvisionedUnit['mosquitto'];
  if (options.mosquittoDir !== undefined) {
    mosquitto = mosquittoPaths(options.mosquittoDir);
    await setMosquittoPasswords(
      mosquitto.passwords,
      [{ username: id, password: secret }],
      options.run ?? execFileRunner,
    );
    await writeMosquittoAcl(mosquitto.acl, next);
  }

  // A second provision-unit (or a hand edit) since we read the file would be silently undone.
  if ((await readFile(options.configPath, 'utf8')) !== original) {
    throw new MosquittoError(
      MosquittoErrorCode.CONFIG_CHANGED,
      `${options.configPath} changed while "${id}" was being added; run provision-unit again`,
    );
  }
  await writeFileAtomic(options.configPath, `${JSON.stringify(edited, null, 2)}\n`, 0o600);
  return { id, name: options.name, secret, mqttUrl: brokerUrlFor(config), ...(mosquitto ? { mosquitto } : {}) };
}
