import { join, resolve } from 'node:path';
import type { CommandRunner } from '../broker/mosquitto-passwords.js';
import { generateUnitSecret } from '../broker/mosquitto-passwords.js';
import { brokerUrlFor } from '../broker/mosquitto-provision.js';
import { loadDashboardConfig } from '../config.js';
import { renderMetaData, renderNetworkConfig, renderUserData } from './cloud-init.js';
import { composeEdgeConfig, edgeConfigText, secretFromBundle, validateUnitConfig } from './edge-config.js';
import { ProvisionError, ProvisionErrorCode } from './errors.js';
import { ensurePrivateDir, type FileOutcome, readIfExists, writeIfChanged } from './files.js';
import {
  checkCountry,
  checkName,
  checkSsid,
  checkUnitIdInput,
  readDepotPassphrase,
  readRecipient,
  readSshKeys,
  readTemplate,
} from './inputs.js';
import { renderReadme } from './readme.js';
import { applyRegistration, type DashboardChange, type MosquittoOutcome, planRegistration } from './registration.js';

export interface ProvisionBundleOptions {
  /** The dashboard config, updated in place when the unit is new or its name or secret changed. */
  configPath: string;
  id: string;
  name: string;
  /** Bundles go to <outDir>/<id>/. */
  outDir: string;
  /** The fleet's edge config template (devices, venue, budget…); the identity is laid over it. */
  templatePath: string;
  /** `age1…`, or a file holding it. */
  recipient?: string;
  ssid?: string;
  /** How the unit reaches the broker; default: the template's, else the dashboard's own broker address. */
  mqttUrl?: string;
  mosquittoDir?: string;
  wifiCountry?: string;
  sshKeyFile?: string;
  depotSsid?: string;
  depotPassphraseFile?: string;
  /** Give the unit a new secret even though it already has one. */
  rotateSecret?: boolean;
  run?: CommandRunner;
}

/** The bundle's files, in the order they are reported; the secrets-bearing ones are private. */
export const BUNDLE_FILES = [
  { name: 'triporteur.json', mode: 0o600 },
  { name: 'user-data', mode: 0o600 },
  { name: 'network-config', mode: 0o644 },
  { name: 'meta-data', mode: 0o644 },
  { name: 'README.txt', mode: 0o644 },
] as const;

export type BundleFileName = (typeof BUNDLE_FILES)[number]['name'];

export interface ProvisionBundleResult {
  unitId: string;
  name: string;
  bundleDir: string;
  mqttUrl: string;
  /** Only when the secret was made by this run (a new unit, or a rotation): shown once, then never again. */
  newSecret?: string;
  files: { name: BundleFileName; path: string; outcome: FileOutcome }[];
  dashboard: DashboardChange;
  mosquitto?: MosquittoOutcome;
  warnings: string[];
}

const isLoopback = (url: string) => {
  try {
    return /^(127\.|localhost$|\[::1\]$)/.test(new URL(url).hostname);
  } catch {
    return false;
  }
};

/**
 * Creates or brings up to date a unit's identity and first-boot bundle. Everything is read, composed
 * and validated before the first write; then the bundle (the secret's home) is written, then Mosquitto
 * and the dashboard config. A run cut short anywhere is completed by the next one with the same
 * arguments, and a run with nothing to change writes nothing.
 */
export async function provisionBundle(options: ProvisionBundleOptions): Promise<ProvisionBundleResult> {
  const unitId = checkUnitIdInput(options.id);
  const name = checkName(options.name);
  const recipient = await readRecipient(options.recipient);
  const ssid = options.ssid === undefined ? undefined : checkSsid(options.ssid, '--ssid');
  const wifiCountry = options.wifiCountry === undefined ? undefined : checkCountry(options.wifiCountry);
  const depotSsid = options.depotSsid === undefined ? undefined : checkSsid(options.depotSsid, '--depot-ssid');
  const sshKeys = options.sshKeyFile === undefined ? [] : await readSshKeys(options.sshKeyFile);
  const depotPassphrase =
    options.depotPassphraseFile === undefined ? undefined : await readDepotPassphrase(options.depotPassphraseFile);
  const template = await readTemplate(options.templatePath);
  const fleet = await loadDashboardConfig(options.configPath);

  const bundleDir = resolve(options.outDir, unitId);
  const configFile = join(bundleDir, 'triporteur.json');
  const previous = await readIfExists(configFile);
  const registered = fleet.units.some((u) => u.id === unitId);
  if (previous === undefined && registered && !options.rotateSecret) {
    throw new ProvisionError(
      ProvisionErrorCode.BUNDLE_MISSING,
      `"${unitId}" is already in ${options.configPath} but ${configFile} is missing, and with it the unit's secret; point --out at the folder holding its bundle, or rerun with --rotate-secret to give it a new secret (then rewrite its SD card)`,
    );
  }
  const secretIsNew = previous === undefined || options.rotateSecret === true;
  const secret = secretIsNew ? generateUnitSecret() : secretFromBundle(previous, unitId, configFile);

  const templateMqtt = template.mqtt as { url?: unknown } | undefined;
  const mqttUrl =
    options.mqttUrl ?? (typeof templateMqtt?.url === 'string' ? templateMqtt.url : undefined) ?? brokerUrlFor(fleet);
  const composed = composeEdgeConfig(template, {
    unitId,
    mqttUrl,
    secret,
    recipient,
    ...(ssid === undefined ? {} : { ssid }),
    ...(wifiCountry === undefined ? {} : { wifiCountry }),
    ...(depotSsid === undefined ? {} : { depotSsid }),
  });
  const config = await validateUnitConfig(composed);
  if (config.depot && depotPassphrase === undefined) {
    throw new ProvisionError(
      ProvisionErrorCode.INPUT,
      `the unit joins the depot network "${config.depot.ssid}": give its passphrase with --depot-passphrase-file`,
    );
  }
  const configText = edgeConfigText(composed);
  const texts: Record<BundleFileName, string> = {
    'triporteur.json': configText,
    'user-data': renderUserData({
      unitId,
      name,
      configText,
      config,
      sshKeys,
      ...(depotPassphrase === undefined ? {} : { depotPassphrase }),
    }),
    'network-config': renderNetworkConfig(config),
    'meta-data': renderMetaData(unitId),
    'README.txt': renderReadme({
      unitId,
      name,
      ssid: config.hotspot?.residents.ssid ?? '',
      hasSshKey: sshKeys.length > 0,
    }),
  };
  const plan = await planRegistration({ configPath: options.configPath, id: unitId, name, secret, secretIsNew });

  await ensurePrivateDir(bundleDir);
  const files: ProvisionBundleResult['files'] = [];
  for (const { name: file, mode } of BUNDLE_FILES) {
    const path = join(bundleDir, file);
    files.push({ name: file, path, outcome: await writeIfChanged(path, texts[file], mode) });
  }
  const mosquitto = await applyRegistration(plan, secret, options.mosquittoDir, options.run);

  const warnings = [
    ...(isLoopback(mqttUrl) ? [`the unit would reach the broker at ${mqttUrl}, which is itself: give --mqtt-url`] : []),
    ...(sshKeys.length === 0 ? ['no --ssh-key: nobody will be able to log in to the unit'] : []),
  ];
  return {
    unitId,
    name,
    bundleDir,
    mqttUrl,
    ...(secretIsNew ? { newSecret: secret } : {}),
    files,
    dashboard: plan.change,
    ...(mosquitto ? { mosquitto } : {}),
    warnings,
  };
}
