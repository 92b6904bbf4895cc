import type { CommandResult } from '../../hotspot/system/command.js';
import { HotspotError, HotspotErrorCode } from '../../hotspot/system/errors.js';
import type { DoctorContext } from '../context.js';

export type ToolAnswer =
  | { ok: true; result: CommandResult }
  /** The tool never gave an answer: not installed, or killed after its time limit. */
  | { ok: false; detail: string; fix: string };

/**
 * Runs a system tool for a check. A non-zero exit is an answer (systemctl is-active exits 3 for
 * "inactive"); a tool that cannot be started or hangs is not, and the check says which.
 */
export async function runTool(context: DoctorContext, file: string, args: readonly string[]): Promise<ToolAnswer> {
  try {
    return { ok: true, result: await context.commands.run(file, args) };
  } catch (err) {
    if (err instanceof HotspotError && err.code === HotspotErrorCode.COMMAND_START) {
      return { ok: false, detail: `${file} introuvable`, fix: `Installer ${file} (scripts/install-system-deps.sh).` };
    }
    if (err instanceof HotspotError && err.code === HotspotErrorCode.COMMAND_TIMEOUT) {
      return {
        ok: false,
        detail: `${file} ne répond pas`,
        fix: `\`${file} ${args.join(' ')}\` reste bloqué : redémarrer le Pi.`,
      };
    }
    throw err;
  }
}
