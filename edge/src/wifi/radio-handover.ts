import type { Clock } from '@triporteur/firmware-bridge';
import type { CommandResult, CommandRunner } from '../hotspot/system/command.js';
import { HotspotError, HotspotErrorCode } from '../hotspot/system/errors.js';
import type { RadioHandover } from './depot-link.js';
import { WifiError, WifiErrorCode } from './errors.js';
import { waitForNmHold } from './nm-device.js';

export interface SharedRadioOptions {
  /** The one radio: hostapd's access point, or NetworkManager's station. */
  interface: string;
  /** The systemd unit running hostapd (hotspot.wifi.hostapdUnit). */
  hostapdUnit: string;
  clock: Clock;
  /** How many times NetworkManager's hold on the radio is read after `managed yes`, and how far apart. */
  readyPolls?: number;
  readyPollMs?: number;
}

/**
 * The radio handover for a unit with one radio. hostapd and NetworkManager must never drive it at the
 * same time, so hostapd is stopped before NetworkManager may manage the interface, and NetworkManager
 * lets go of it before hostapd starts again. The hotspot is therefore off while the unit is at the depot.
 */
export function createSharedRadioHandover(runner: CommandRunner, options: SharedRadioOptions): RadioHandover {
  const { interface: ifname, hostapdUnit, clock, readyPolls = 20, readyPollMs = 500 } = options;
  const systemctl = (verb: 'stop' | 'start') => checked(runner, 'systemctl', [verb, hostapdUnit]);
  const managed = (value: 'yes' | 'no') => checked(runner, 'nmcli', ['device', 'set', ifname, 'managed', value]);

  const waitUntilHeld = async () => {
    const wait = await waitForNmHold(checkedRunner(runner), ifname, { clock, polls: readyPolls, pollMs: readyPollMs });
    if (wait.held) return;
    if (wait.lastState === undefined) {
      throw new WifiError(WifiErrorCode.OUTPUT, 'nmcli device show: no numeric GENERAL.STATE');
    }
    throw new WifiError(
      WifiErrorCode.RADIO_HANDOVER,
      `NetworkManager did not take ${ifname} within ${(readyPolls * readyPollMs) / 1000} s (state ${wait.lastState})`,
    );
  };

  return {
    async release() {
      await systemctl('stop');
      await managed('yes');
      await waitUntilHeld();
    },

    /** Both steps are tried: the hotspot coming back matters more than NetworkManager's tidiness. */
    async reclaim() {
      let failure: unknown;
      try {
        await managed('no');
      } catch (err) {
        failure = err;
      }
      try {
        await systemctl('start');
      } catch (err) {
        failure ??= err;
      }
      if (failure !== undefined) throw failure;
    },
  };
}

/** The runner with `checked`'s failures: each nmcli read in the wait throws its code too. */
function checkedRunner(runner: CommandRunner): CommandRunner {
  return { run: (file, args) => checked(runner, file, args) };
}

/** Runs one step; a tool that cannot start, one that hangs and one that exits non-zero each get their code. */
async function checked(runner: CommandRunner, file: string, args: readonly string[]): Promise<CommandResult> {
  const command = `${file} ${args.join(' ')}`;
  let result: CommandResult;
  try {
    result = await runner.run(file, args);
  } catch (err) {
    const missing = err instanceof HotspotError && err.code === HotspotErrorCode.COMMAND_START;
    throw new WifiError(
      missing ? WifiErrorCode.TOOL_MISSING : WifiErrorCode.COMMAND_FAILED,
      missing ? `${file} cannot be run` : `${command} did not finish`,
      { cause: err },
    );
  }
  if (result.code !== 0) {
    const detail = (result.stderr.trim() || result.stdout.trim() || '(no output)').slice(0, 300);
    throw new WifiError(WifiErrorCode.RADIO_HANDOVER, `${command} exited with ${result.code}: ${detail}`);
  }
  return result;
}
