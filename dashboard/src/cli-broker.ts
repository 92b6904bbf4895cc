import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { MosquittoTlsListener } from './broker/mosquitto.js';
import { MosquittoError, MosquittoErrorCode } from './broker/mosquitto-errors.js';
import { ingestAccount, readSecretsFile, writeMosquittoSetup } from './broker/mosquitto-files.js';
import type { CommandRunner } from './broker/mosquitto-passwords.js';
import { provisionUnit } from './broker/mosquitto-provision.js';
import { loadDashboardConfig } from './config.js';

/** Commands for running the fleet on Debian's Mosquitto instead of the embedded broker (docs/broker.md). */
export interface BrokerCommandDeps {
  /** Runs mosquitto_passwd; the real execFile runner unless a test or a wrapper gives another. */
  run?: CommandRunner;
}

interface MosquittoConfigOpts {
  config: string;
  outDir: string;
  port: number;
  host: string;
  persistenceDir: string;
  secrets?: string;
  tlsPort?: number;
  tlsHost?: string;
  cafile?: string;
  certfile?: string;
  keyfile?: string;
}

interface ProvisionOpts {
  config: string;
  id: string;
  name: string;
  mosquittoDir?: string;
  mqttUrl?: string;
}

/** Writes through the program's configured output (the CLI's io.stdout), like commander's own messages. */
const printer = (cmd: Command) => (text: string) => {
  const writeOut = cmd.configureOutput().writeOut;
  if (writeOut) writeOut(text);
  else process.stdout.write(text);
};

function tlsListener(opts: MosquittoConfigOpts): MosquittoTlsListener | undefined {
  const { tlsPort, tlsHost, cafile, certfile, keyfile } = opts;
  const given = [tlsPort, cafile, certfile, keyfile].filter((v) => v !== undefined).length;
  if (given === 0 && tlsHost === undefined) return undefined;
  if (tlsPort === undefined || cafile === undefined || certfile === undefined || keyfile === undefined) {
    throw new MosquittoError(
      MosquittoErrorCode.TLS_INCOMPLETE,
      'a TLS listener needs all of --tls-port, --cafile, --certfile and --keyfile',
    );
  }
  return {
    port: tlsPort,
    ...(tlsHost !== undefined ? { host: tlsHost } : {}),
    cafile: resolve(cafile),
    certfile: resolve(certfile),
    keyfile: resolve(keyfile),
  };
}

export function registerBrokerCommands(program: Command, deps: BrokerCommandDeps = {}): void {
  program
    .command('mosquitto-config')
    .description("write mosquitto.conf, the ACL and the password file for running the fleet on Debian's Mosquitto")
    .requiredOption('--config <file>', 'dashboard config file')
    .requiredOption('--out-dir <dir>', 'where to write mosquitto.conf, acl and passwd (e.g. /etc/mosquitto)')
    .option('--port <n>', 'plain MQTT listener port', Number, 1883)
    .option('--host <host>', 'plain MQTT listener interface', '127.0.0.1')
    .option('--persistence-dir <dir>', "Mosquitto's session database directory", '/var/lib/mosquitto')
    .option('--secrets <file>', 'JSON object of account → secret to put in the password file')
    .option('--tls-port <n>', 'TLS listener port (with --cafile, --certfile, --keyfile)', Number)
    .option('--tls-host <host>', 'TLS listener interface (default: all)')
    .option('--cafile <file>', 'PEM CA bundle for the TLS listener')
    .option('--certfile <file>', "the broker's PEM certificate")
    .option('--keyfile <file>', "the broker's PEM private key")
    .action(async (opts: MosquittoConfigOpts, cmd: Command) => {
      const print = printer(cmd);
      const config = await loadDashboardConfig(opts.config);
      const tls = tlsListener(opts);
      const result = await writeMosquittoSetup({
        config,
        outDir: opts.outDir,
        host: opts.host,
        port: opts.port,
        persistenceDir: resolve(opts.persistenceDir),
        ...(tls ? { tls } : {}),
        ...(opts.secrets !== undefined ? { secrets: await readSecretsFile(opts.secrets) } : {}),
        ...(deps.run ? { run: deps.run } : {}),
      });
      const { files } = result;
      print(
        `Wrote ${files.conf} and ${files.acl} (${config.units.length} units, ingest account "${ingestAccount(config).username}").\n`,
      );
      if (result.passwordsSet.length > 0)
        print(`Passwords set in ${files.passwords} for: ${result.passwordsSet.join(', ')}\n`);
      if (result.withoutPassword.length > 0) {
        print(`No password yet for: ${result.withoutPassword.join(', ')} (give their secrets with --secrets)\n`);
      }
      print('Apply: systemctl restart mosquitto (a reload is enough when only acl or passwd changed).\n');
    });

  program
    .command('provision-unit')
    .description('add a unit: generate its secret (printed once), store its hash in the dashboard config')
    .requiredOption('--config <file>', 'dashboard config file, updated in place')
    .requiredOption('--id <id>', 'unit id, a lower-case slug such as tri-lyon-03')
    .requiredOption('--name <name>', 'name shown on the dashboard')
    .option('--mosquitto-dir <dir>', 'also add the unit to the Mosquitto files written by mosquitto-config')
    .option('--mqtt-url <url>', 'broker URL to print for the unit, when units reach it by another address')
    .action(async (opts: ProvisionOpts, cmd: Command) => {
      const print = printer(cmd);
      const unit = await provisionUnit({
        configPath: opts.config,
        id: opts.id,
        name: opts.name,
        ...(opts.mosquittoDir !== undefined ? { mosquittoDir: opts.mosquittoDir } : {}),
        ...(deps.run ? { run: deps.run } : {}),
      });
      print(
        [
          `Unit "${unit.id}" (${unit.name}) added to ${opts.config}.`,
          "Put this in the unit's config, section mqtt. The secret is shown only this once:",
          `  url:      ${opts.mqttUrl ?? unit.mqttUrl}`,
          `  username: ${unit.id}`,
          `  password: ${unit.secret}`,
          ...(unit.mosquitto
            ? [`Mosquitto: password and ACL updated in ${unit.mosquitto.dir}; apply with: systemctl reload mosquitto`]
            : []),
          'Restart the dashboard so it knows the unit.',
          '',
        ].join('\n'),
      );
    });
}
