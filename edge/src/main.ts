#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { buildApp } from './app.js';
import { addDoctorCommand } from './cli/doctor.js';
import { addFlashCommands } from './cli/flash.js';
import { addLegalLogCommands } from './cli/legal-log.js';
import { addMonitorCommand } from './cli/monitor.js';
import { addRenderFilesCommand } from './cli/render-files.js';
import { describeFailure, EXIT } from './cli/report.js';
import { addSerialTools } from './cli/tools.js';
import { withoutSecrets } from './commands/config-keys.js';
import { loadEdgeConfig } from './config/load.js';
import { nodeHost } from './host-node.js';
import { createLogger } from './logger.js';
import { createSystemdNotifier, outboxAnswers } from './systemd/index.js';

function fail(err: unknown): never {
  const { line, exitCode } = describeFailure(err);
  process.stderr.write(`${line}\n`);
  process.exit(exitCode);
}

const program = new Command()
  .name('triporteur-edge')
  .description('The tricycle service: reads the BMS over serial and publishes telemetry over MQTT.');

program
  .command('run')
  .description('run the edge service in the foreground (systemd runs this)')
  .requiredOption('-c, --config <file>', 'config file (JSON)')
  .action(async (opts: { config: string }) => {
    const config = await loadEdgeConfig(opts.config).catch(fail);
    const logger = createLogger();
    const version = (
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version;
    const app = buildApp(nodeHost(logger), config, { configPath: opts.config, version });
    const systemd = createSystemdNotifier({ logger, health: [outboxAnswers(() => app.status())] });
    let stopping = false;
    const shutdown = async (exitCode: number) => {
      if (stopping) return;
      stopping = true;
      await systemd.stopping();
      await app.stop().catch((err: unknown) => logger.error({ err }, 'error while stopping'));
      process.exit(exitCode);
    };
    app.onFatal((err) => {
      process.stderr.write(`${describeFailure(err).line}\n`);
      void shutdown(describeFailure(err).exitCode);
    });
    process.on('SIGTERM', () => void shutdown(EXIT.ok));
    process.on('SIGINT', () => void shutdown(EXIT.ok));
    await app.start().catch(fail);
    await systemd.ready();
  });

program
  .command('check-config')
  .description('validate a config file and print it with defaults filled in (secrets redacted)')
  .requiredOption('-c, --config <file>', 'config file (JSON)')
  .action(async (opts: { config: string }) => {
    const config = await loadEdgeConfig(opts.config).catch(fail);
    const shown = withoutSecrets(config);
    process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  });

addSerialTools(program);
addMonitorCommand(program);
addLegalLogCommands(program);
addFlashCommands(program);
addDoctorCommand(program);
addRenderFilesCommand(program);

program.parseAsync().catch(fail);
