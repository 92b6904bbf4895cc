import type { Command } from 'commander';
import { loadEdgeConfig } from '../config/load.js';
import { EdgeError, EdgeErrorCode } from '../errors.js';
import { systemFilesOf, writeSystemFiles } from '../install/system-files.js';

export interface RenderStreams {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/**
 * `render-system-files`: what scripts/install-pi.sh runs to put the hotspot's hostapd, dnsmasq and
 * nftables files, and the hotspot.env the units read, in /etc/triporteur/hotspot. Prints one line per
 * file, "<outcome> <name>"; a config without a hotspot section renders nothing and says so.
 */
export function addRenderFilesCommand(
  program: Command,
  streams: RenderStreams = { out: process.stdout, err: process.stderr },
): void {
  program
    .command('render-system-files')
    .description('write the hotspot files for hostapd, dnsmasq and nftables, and hotspot.env (install-pi.sh runs this)')
    .requiredOption('-c, --config <file>', 'config file (JSON)')
    .requiredOption('--out <dir>', 'directory to write them to (/etc/triporteur/hotspot on a unit)')
    .action(async (opts: { config: string; out: string }) => {
      const config = await loadEdgeConfig(opts.config);
      if (!config.hotspot) {
        streams.err.write('no hotspot section in the config: no system file to render\n');
        return;
      }
      const files = systemFilesOf(config.hotspot);
      const outcomes = await writeSystemFiles(opts.out, files).catch((err: unknown) => {
        const reason = err instanceof Error ? err.message : String(err);
        throw new EdgeError(EdgeErrorCode.TOOL_INPUT, `cannot write the system files in ${opts.out}: ${reason}`, {
          cause: err,
        });
      });
      files.forEach((file, i) => {
        streams.out.write(`${outcomes[i] ?? 'written'} ${file.name}\n`);
      });
    });
}
