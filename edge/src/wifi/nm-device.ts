import type { Clock } from '@triporteur/firmware-bridge';
import type { CommandRunner } from '../hotspot/system/command.js';
import { leadingInt, splitTerse } from './terse.js';

/**
 * NMDeviceState 30, "disconnected": NetworkManager holds the device and may scan or activate a connection
 * on it. Just after `managed yes` it is 20, "unavailable", while wpa_supplicant takes the interface; a scan
 * or an activation then fails with "device not available".
 */
export const NM_DEVICE_HELD = 30;

/** NetworkManager's state number for the device; undefined when nmcli fails or prints none. */
export async function nmDeviceState(runner: CommandRunner, iface: string): Promise<number | undefined> {
  const result = await runner.run('nmcli', ['--terse', '--fields', 'GENERAL.STATE', 'device', 'show', iface]);
  if (result.code !== 0) return undefined;
  const line = result.stdout.split('\n').find((l) => l.startsWith('GENERAL.STATE:'));
  return line === undefined ? undefined : leadingInt(splitTerse(line)[1]);
}

export interface HoldWait {
  clock: Clock;
  polls: number;
  pollMs: number;
}

/**
 * Reads the device state until NetworkManager holds the radio: held, or the last state seen when it
 * never did (undefined: nmcli printed none, which ends the wait at once). A throwing runner throws through.
 */
export async function waitForNmHold(
  runner: CommandRunner,
  iface: string,
  wait: HoldWait,
): Promise<{ held: true } | { held: false; lastState: number | undefined }> {
  let lastState: number | undefined;
  for (let poll = 1; poll <= wait.polls; poll++) {
    lastState = await nmDeviceState(runner, iface);
    // Unreadable is not "not yet": waiting longer would not make it readable.
    if (lastState === undefined) return { held: false, lastState };
    if (lastState >= NM_DEVICE_HELD) return { held: true };
    if (poll < wait.polls) await new Promise<void>((resolve) => wait.clock.setTimeout(resolve, wait.pollMs));
  }
  return { held: false, lastState };
}
