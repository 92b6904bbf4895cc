import { readFile } from 'node:fs/promises';
import { hashSecret, verifySecret } from '../auth/secrets.js';
import { renderMosquittoAcl } from '../broker/mosquitto.js';
import { MosquittoError, MosquittoErrorCode } from '../broker/mosquitto-errors.js';
import { ingestAccount, mosquittoPaths, writeFileAtomic } from '../broker/mosquitto-files.js';
import { mosquittoPasswordMatches } from '../broker/mosquitto-hash.js';
import { type CommandRunner, execFileRunner, setMosquittoPasswords } from '../broker/mosquitto-passwords.js';
import { type DashboardConfig, loadDashboardConfig, validateDashboardConfig } from '../config.js';
import { ProvisionError, ProvisionErrorCode } from './errors.js';

/**
 * The unit's account on the fleet side: its entry in the dashboard config and, when asked, its
 * Mosquitto password and ACL block. Planned first (every check, no write), applied later, and each
 * write happens only when something differs, so a rerun leaves every file and mtime as it was.
 */

export type DashboardChange = 'added' | 'renamed' | 'rekeyed' | 'unchanged';

export interface RegistrationPlan {
  readonly unitId: string;
  readonly configPath: string;
  readonly config: Readonly<DashboardConfig>;
  readonly change: DashboardChange;
  /** The config file as read, to detect an edit made meanwhile; and the text to write, when changed. */
  readonly original: string;
  readonly nextText?: string;
  /** The config as it will be, for the ACL. */
  readonly next: Readonly<DashboardConfig>;
}

export interface PlanOptions {
  configPath: string;
  id: string;
  name: string;
  secret: string;
  /** The secret was just made (a new unit, or --rotate-secret): the stored hash is replaced, not checked. */
  secretIsNew: boolean;
}

export async function planRegistration(options: PlanOptions): Promise<RegistrationPlan> {
  const { configPath, id, name, secret } = options;
  const config = await loadDashboardConfig(configPath);
  if (ingestAccount(config).username === id) {
    throw new ProvisionError(
      ProvisionErrorCode.UNIT_ID,
      `"${id}" is the dashboard's ingest account; pick another unit id`,
    );
  }
  const existing = config.units.find((u) => u.id === id);
  let change: DashboardChange;
  let secretHash: string | undefined;
  if (!existing) {
    change = 'added';
    secretHash = await hashSecret(secret);
  } else if (!(await verifySecret(secret, existing.secretHash))) {
    if (!options.secretIsNew) {
      throw new ProvisionError(
        ProvisionErrorCode.SECRET_MISMATCH,
        `the secret in the bundle of "${id}" does not match the dashboard config; to give the unit a new secret, rerun with --rotate-secret (then rewrite its SD card)`,
      );
    }
    change = 'rekeyed';
    secretHash = await hashSecret(secret);
  } else {
    change = existing.name === name ? 'unchanged' : 'renamed';
  }

  // Edited as written (relative paths, no filled-in defaults), like provision-unit does.
  const original = await readFile(configPath, 'utf8');
  if (change === 'unchanged') return { unitId: id, configPath, config, change, original, next: config };
  const raw = JSON.parse(original) as { units: Record<string, unknown>[] };
  const units =
    change === 'added'
      ? [...raw.units, { id, name, secretHash }]
      : raw.units.map((u) => (u.id === id ? { ...u, name, ...(secretHash ? { secretHash } : {}) } : u));
  const edited = { ...raw, units };
  const next = validateDashboardConfig(structuredClone(edited));
  const nextText = `${JSON.stringify(edited, null, 2)}\n`;
  return { unitId: id, configPath, config, change, original, nextText, next };
}

export interface MosquittoOutcome {
  dir: string;
  password: 'set' | 'unchanged';
  acl: 'written' | 'unchanged';
}

/**
 * Mosquitto first, the dashboard config last (provision-unit's order): a failure in between leaves at
 * most a broker password the config does not know yet, which the rerun completes.
 */
export async function applyRegistration(
  plan: RegistrationPlan,
  secret: string,
  mosquittoDir: string | undefined,
  run: CommandRunner = execFileRunner,
): Promise<MosquittoOutcome | undefined> {
  let mosquitto: MosquittoOutcome | undefined;
  if (mosquittoDir !== undefined) {
    const files = mosquittoPaths(mosquittoDir);
    const { unitId } = plan;
    let password: MosquittoOutcome['password'] = 'unchanged';
    if (!(await mosquittoPasswordMatches(files.passwords, unitId, secret))) {
      await setMosquittoPasswords(files.passwords, [{ username: unitId, password: secret }], run);
      password = 'set';
    }
    const acl = renderMosquittoAcl(plan.next.units, [ingestAccount(plan.next).username]);
    const before = await readFile(files.acl, 'utf8').catch(() => undefined);
    if (before !== acl) await writeFileAtomic(files.acl, acl);
    mosquitto = { dir: files.dir, password, acl: before === acl ? 'unchanged' : 'written' };
  }
  if (plan.nextText !== undefined) {
    if ((await readFile(plan.configPath, 'utf8')) !== plan.original) {
      throw new MosquittoError(
        MosquittoErrorCode.CONFIG_CHANGED,
        `${plan.configPath} changed while the unit was being provisioned; run provision again`,
      );
    }
    await writeFileAtomic(plan.configPath, plan.nextText, 0o600);
  }
  return mosquitto;
}
