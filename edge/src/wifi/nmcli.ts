import type { CommandResult, CommandRunner } from '../hotspot/system/command.js';
import { HotspotError, HotspotErrorCode } from '../hotspot/system/errors.js';
import { WifiError, WifiErrorCode } from './errors.js';
import { leadingInt, splitTerse } from './terse.js';
import type { DepotNetwork, ScannedNetwork, ScanResult, WifiControl } from './wifi-control.js';

/**
 * WifiControl over nmcli, through the edge's CommandRunner. node-wifi 2.0.16 runs these same nmcli
 * commands on Linux, but through its own child_process.execFile with no way to inject a runner, it
 * rewrites process.env (LANG, LC_ALL) for the whole process when loaded, puts the PSK on nmcli's command
 * line (readable in /proc by any local user), and splits terse output on escaped colons. So the commands
 * are issued here, where tests record them and feed back nmcli's real output formats.
 */

/** The NetworkManager profile the depot link owns; nothing else on the unit uses this name. */
export const DEPOT_CONNECTION = 'triporteur-depot';

/**
 * Below the 4G router's default route (NetworkManager gives Ethernet 100, Wi-Fi 600): while the depot
 * network is up, syncs go through it; when it goes down, its route goes with it and the router's is left.
 */
export const DEPOT_ROUTE_METRIC = 50;

/** nmcli(1) exit status 10: connection, device or access point does not exist. */
const NMCLI_NOT_FOUND = 10;

export interface NmcliWifiOptions {
  /** The radio to scan and join with (the hotspot's wlan0, or a second adapter). */
  interface: string;
  /** How long `connection up` may wait for NetworkManager (nmcli --wait), s. */
  joinTimeoutS?: number;
}

export function createNmcliWifi(runner: CommandRunner, options: NmcliWifiOptions): WifiControl {
  const { interface: ifname, joinTimeoutS = 45 } = options;
  const nmcli = (args: readonly string[], input?: string) => run(runner, args, input);

  return {
    async scan() {
      // --rescan yes: a list NetworkManager cached up to 30 s ago may predate the unit's arrival here.
      const result = await nmcli([
        '--terse',
        '--fields',
        'CHAN,FREQ,SIGNAL',
        'device',
        'wifi',
        'list',
        '--rescan',
        'yes',
        'ifname',
        ifname,
      ]);
      return parseScan(checked(result, 'device wifi list'));
    },

    async join(network) {
      checkDepotNetwork(network);
      // A fresh profile each time, so a changed SSID in the config cannot leave a stale one behind.
      const removed = await nmcli(['connection', 'delete', 'id', DEPOT_CONNECTION]);
      if (removed.code !== NMCLI_NOT_FOUND) checked(removed, 'connection delete');
      checked(
        await nmcli([
          'connection',
          'add',
          'type',
          'wifi',
          'con-name',
          DEPOT_CONNECTION,
          'ifname',
          ifname,
          'ssid',
          network.ssid,
          // Only the depot link decides when to join; NetworkManager must not do it on its own.
          'connection.autoconnect',
          'no',
          'wifi-sec.key-mgmt',
          'wpa-psk',
          // 2 = not saved: NetworkManager asks for the PSK at each activation, so it is never on disk.
          'wifi-sec.psk-flags',
          '2',
          'ipv4.route-metric',
          String(DEPOT_ROUTE_METRIC),
          'ipv6.route-metric',
          String(DEPOT_ROUTE_METRIC),
        ]),
        'connection add',
      );
      // The PSK reaches nmcli on its standard input (passwd-file, nmcli(1)), never in its argv.
      const up = await nmcli(
        ['--wait', String(joinTimeoutS), 'connection', 'up', 'id', DEPOT_CONNECTION, 'passwd-file', '/dev/stdin'],
        `802-11-wireless-security.psk:${network.psk}\n`,
      );
      checked(up, 'connection up', network.psk);
    },

    async leave() {
      const down = await nmcli(['connection', 'down', 'id', DEPOT_CONNECTION]);
      // Not active (or never created) is the state leave() wants.
      if (down.code !== NMCLI_NOT_FOUND) checked(down, 'connection down');
    },

    async joined() {
      const result = await nmcli(['--terse', '--fields', 'GENERAL.STATE,GENERAL.CONNECTION', 'device', 'show', ifname]);
      return parseDeviceShow(checked(result, 'device show'));
    },
  };
}

async function run(runner: CommandRunner, args: readonly string[], input?: string): Promise<CommandResult> {
  try {
    return await runner.run('nmcli', args, input === undefined ? {} : { input });
  } catch (err) {
    if (err instanceof HotspotError && err.code === HotspotErrorCode.COMMAND_START) {
      throw new WifiError(WifiErrorCode.TOOL_MISSING, 'nmcli cannot be run: is NetworkManager installed?', {
        cause: err,
      });
    }
    throw new WifiError(WifiErrorCode.COMMAND_FAILED, `nmcli ${args.join(' ')} did not finish`, { cause: err });
  }
}

/** nmcli reports errors on stderr ("Error: …") with a non-zero status; the secret, if any, is cut out. */
function checked(result: CommandResult, what: string, secret?: string): string {
  if (result.code === 0) return result.stdout;
  let detail = (result.stderr.trim() || result.stdout.trim() || '(no output)').slice(0, 300);
  if (secret) detail = detail.split(secret).join('[redacted]');
  throw new WifiError(WifiErrorCode.COMMAND_FAILED, `nmcli ${what} exited with ${result.code}: ${detail}`);
}

/** `--terse --fields CHAN,FREQ,SIGNAL device wifi list`: one AP a line, e.g. "6:2437 MHz:62". */
export function parseScan(stdout: string): ScanResult {
  const networks: ScannedNetwork[] = [];
  let discarded = 0;
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const [chan, freq, signal, ...extra] = splitTerse(line);
    const channel = leadingInt(chan);
    const frequencyMhz = leadingInt(freq);
    const signalPct = leadingInt(signal);
    if (
      extra.length > 0 ||
      channel === undefined ||
      frequencyMhz === undefined ||
      signalPct === undefined ||
      channel < 1 ||
      channel > 233 ||
      frequencyMhz < 2000 ||
      signalPct > 100
    ) {
      discarded++;
      continue;
    }
    networks.push({ channel, frequencyMhz, signalPct });
  }
  if (networks.length === 0 && discarded > 0) {
    throw new WifiError(WifiErrorCode.OUTPUT, `nmcli scan: none of ${discarded} lines is "CHAN:FREQ:SIGNAL"`);
  }
  return { networks, discarded };
}

/** NMDeviceState 100 = activated; the word after it is translated, so only the number is read. */
const NM_DEVICE_ACTIVATED = 100;

/** `--terse --fields GENERAL.STATE,GENERAL.CONNECTION device show <if>`: "GENERAL.STATE:100 (connected)". */
export function parseDeviceShow(stdout: string): boolean {
  const fields = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const [name, ...rest] = splitTerse(line);
    if (name !== undefined) fields.set(name, rest.join(':'));
  }
  const state = leadingInt(fields.get('GENERAL.STATE'));
  if (state === undefined) {
    throw new WifiError(WifiErrorCode.OUTPUT, 'nmcli device show: no numeric GENERAL.STATE');
  }
  return state === NM_DEVICE_ACTIVATED && fields.get('GENERAL.CONNECTION') === DEPOT_CONNECTION;
}

/** WPA2-PSK as NetworkManager accepts it: 8–63 printable ASCII, or 64 hex digits; an SSID of 1–32 bytes. */
export function checkDepotNetwork(network: DepotNetwork): void {
  const ssidBytes = Buffer.byteLength(network.ssid, 'utf8');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (ssidBytes < 1 || ssidBytes > 32 || /[\u0000-\u001f\u007f]/.test(network.ssid)) {
    throw new WifiError(WifiErrorCode.BAD_INPUT, 'depot SSID must be 1 to 32 bytes with no control characters');
  }
  const { psk } = network;
  if (!(/^[\x20-\x7e]{8,63}$/.test(psk) || /^[0-9a-fA-F]{64}$/.test(psk))) {
    throw new WifiError(
      WifiErrorCode.BAD_INPUT,
      'depot PSK must be 8 to 63 printable ASCII characters or 64 hex digits',
    );
  }
}
