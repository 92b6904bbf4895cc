import type { Command } from 'commander';
import type { CommandRunner } from './broker/mosquitto-passwords.js';
import { type ProvisionBundleResult, provisionBundle } from './provision/provision.js';

/** `provision`: a unit's identity and its first-boot bundle for Raspberry Pi OS (docs/provisioning.md). */
export interface ProvisionCommandDeps {
  /** Runs mosquitto_passwd; the real execFile runner unless a test gives another. */
  run?: CommandRunner;
}

interface ProvisionOpts {
  config: string;
  id: string;
  name: string;
  out: string;
  template: string;
  legalLogRecipient?: string;
  ssid?: string;
  mqttUrl?: string;
  mosquittoDir?: string;
  wifiCountry?: string;
  sshKey?: string;
  depotSsid?: string;
  depotPassphraseFile?: string;
  rotateSecret?: boolean;
}

const DASHBOARD_WORDS: Record<ProvisionBundleResult['dashboard'], string> = {
  added: 'unit added',
  renamed: 'unit renamed',
  rekeyed: 'unit given its new secret',
  unchanged: 'unchanged',
};

/** The run's report. The secret appears only when this run made it; a rerun never prints it. */
export function describeProvision(result: ProvisionBundleResult, configPath: string): string {
  const width = Math.max(...result.files.map((f) => f.name.length));
  const lines = [
    `Unit "${result.unitId}" (${result.name}): bundle in ${result.bundleDir}`,
    ...result.files.map((f) => `  ${f.name.padEnd(width)}  ${f.outcome === 'mode' ? 'mode fixed' : f.outcome}`),
    `Dashboard config ${configPath}: ${DASHBOARD_WORDS[result.dashboard]}${result.dashboard === 'unchanged' ? '' : ' (restart the dashboard so it knows)'}`,
  ];
  const m = result.mosquitto;
  if (m) {
    lines.push(
      `Mosquitto in ${m.dir}: password ${m.password}, ACL ${m.acl}${m.password === 'set' || m.acl === 'written' ? ' (apply with: systemctl reload mosquitto)' : ''}`,
    );
  }
  for (const warning of result.warnings) lines.push(`warning: ${warning}`);
  if (result.newSecret !== undefined) {
    lines.push(
      "MQTT account, already in the bundle's triporteur.json; the secret is shown only this once:",
      `  url:      ${result.mqttUrl}`,
      `  username: ${result.unitId}`,
      `  password: ${result.newSecret}`,
    );
  }
  const changed = result.files.some((f) => f.outcome !== 'unchanged');
  const idle =
    !changed && result.dashboard === 'unchanged' && (!m || (m.password === 'unchanged' && m.acl === 'unchanged'));
  lines.push(
    idle
      ? 'Nothing changed.'
      : 'Next: copy user-data, network-config and meta-data to the SD card\u2019s boot partition (README.txt).',
    '',
  );
  return lines.join('\n');
}

export function registerProvisionCommand(program: Command, deps: ProvisionCommandDeps = {}): void {
  program
    .command('provision')
    .description("create or update a unit's identity and write its first-boot bundle (cloud-init) for Raspberry Pi OS")
    .requiredOption('--config <file>', 'dashboard config file, updated in place when the unit is new or changed')
    .requiredOption('--id <id>', 'unit id, a lower-case slug such as tri-lyon-03')
    .requiredOption('--name <name>', 'name shown on the dashboard')
    .requiredOption('--out <dir>', 'where bundles live: this unit gets <dir>/<id>/ (keep it: it holds the secret)')
    .requiredOption('--template <file>', "the fleet's edge config template: devices, hotspot pages, budget…")
    .option('--legal-log-recipient <key|file>', "the association's age public key (age1…) or a file holding it")
    .option('--ssid <ssid>', "the residents' Wi-Fi name (default: the template's)")
    .option(
      '--mqtt-url <url>',
      'how the unit reaches the broker (default: the template\u2019s, else the dashboard\u2019s broker)',
    )
    .option('--mosquitto-dir <dir>', 'also set the password and ACL in the Mosquitto files of mosquitto-config')
    .option('--wifi-country <code>', 'the radio\u2019s regulatory country (default: the template\u2019s, else FR)')
    .option('--ssh-key <file>', "the technician's SSH public key(s), authorized_keys format")
    .option('--depot-ssid <ssid>', "the depot's Wi-Fi name (the template gives depot.area and depot.pskFile)")
    .option('--depot-passphrase-file <file>', "a file holding the depot network's passphrase")
    .option('--rotate-secret', 'give the unit a new MQTT secret (then rewrite its SD card)')
    .action(async (opts: ProvisionOpts, cmd: Command) => {
      const result = await provisionBundle({
        configPath: opts.config,
        id: opts.id,
        name: opts.name,
        outDir: opts.out,
        templatePath: opts.template,
        ...(opts.legalLogRecipient !== undefined ? { recipient: opts.legalLogRecipient } : {}),
        ...(opts.ssid !== undefined ? { ssid: opts.ssid } : {}),
        ...(opts.mqttUrl !== undefined ? { mqttUrl: opts.mqttUrl } : {}),
        ...(opts.mosquittoDir !== undefined ? { mosquittoDir: opts.mosquittoDir } : {}),
        ...(opts.wifiCountry !== undefined ? { wifiCountry: opts.wifiCountry } : {}),
        ...(opts.sshKey !== undefined ? { sshKeyFile: opts.sshKey } : {}),
        ...(opts.depotSsid !== undefined ? { depotSsid: opts.depotSsid } : {}),
        ...(opts.depotPassphraseFile !== undefined ? { depotPassphraseFile: opts.depotPassphraseFile } : {}),
        ...(opts.rotateSecret ? { rotateSecret: true } : {}),
        ...(deps.run ? { run: deps.run } : {}),
      });
      const text = describeProvision(result, opts.config);
      const writeOut = cmd.configureOutput().writeOut;
      if (writeOut) writeOut(text);
      else process.stdout.write(text);
    });
}
