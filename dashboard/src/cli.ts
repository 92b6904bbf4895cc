import { Command, CommanderError } from 'commander';
import { isAuthError } from './auth/errors.js';
import { hashSecret } from './auth/secrets.js';
import { isMosquittoError } from './broker/mosquitto-errors.js';
import { registerAuthCommands } from './cli-auth.js';
import { registerBrokerCommands } from './cli-broker.js';
import { registerProvisionCommand } from './cli-provision.js';
import { loadDashboardConfig, storeLocation } from './config.js';
import { startDashboard } from './dashboard.js';
import { DashboardErrorCode, isDashboardError } from './errors.js';
import { isProvisionError } from './provision/errors.js';
import { openStore } from './store/open.js';

export interface CliIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM in production). */
  readonly stopRequested: () => Promise<void>;
}

/** One line a person can act on; never a stack trace. */
export function formatCliError(err: unknown): string {
  if (isDashboardError(err) || isAuthError(err) || isMosquittoError(err) || isProvisionError(err))
    return `error ${err.code}: ${err.message}`;
  const message = err instanceof Error ? err.message : String(err);
  return `error ${DashboardErrorCode.INTERNAL}: ${message}`;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  return text;
}

export function buildCli(io: CliIo): Command {
  const program = new Command('triporteur-dashboard')
    .description('Fleet server for the connected tricycles: MQTT broker, ingest, store and live web page.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  program
    .command('serve')
    .description('run the fleet server until SIGINT or SIGTERM')
    .requiredOption('--config <file>', 'dashboard config file (JSON, configVersion 1)')
    .action(async (opts: { config: string }) => {
      const config = await loadDashboardConfig(opts.config);
      const dashboard = await startDashboard(config);
      await io.stopRequested();
      await dashboard.close();
    });

  program
    .command('hash-secret')
    .description('read a unit or service secret on stdin and print the hash to put in the config')
    .action(async () => {
      if (io.stdin.isTTY) io.stderr.write('Type the secret, then Enter and Ctrl-D:\n');
      const secret = (await readAll(io.stdin)).replace(/\r?\n$/, '');
      if (secret.length < 12) throw new Error('the secret must be at least 12 characters long');
      io.stdout.write(`${await hashSecret(secret)}\n`);
    });

  registerBrokerCommands(program);
  registerProvisionCommand(program);
  registerAuthCommands(program, {
    io,
    // The users live in the fleet store: open it as `serve` would, schema brought up to date.
    openDb: async (configPath) => {
      const config = await loadDashboardConfig(configPath);
      const store = await openStore(storeLocation(config.store));
      return { db: store.db, close: () => store.close() };
    },
  });
  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    await buildCli(io).parseAsync([...argv]);
    return 0;
  } catch (err) {
    // Commander has already printed its own usage message.
    if (err instanceof CommanderError) return err.exitCode;
    io.stderr.write(`${formatCliError(err)}\n`);
    return 1;
  }
}
