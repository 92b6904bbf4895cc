import { describe, expect, it } from 'vitest';
import { type CommandResult, createExecFileRunner } from '../src/hotspot/system/command.js';
import { type RecordedCommand, RecordingRunner } from '../src/hotspot/system/recording-runner.js';
import { WifiErrorCode } from '../src/wifi/errors.js';
import { createNmcliWifi, DEPOT_CONNECTION, parseDeviceShow, parseScan } from '../src/wifi/nmcli.js';
import { splitTerse } from '../src/wifi/terse.js';
import * as nm from './fixtures/nmcli-outputs.js';

// No NetworkManager on this machine: nmcli's answers are the recorded formats of fixtures/nmcli-outputs.ts.

const DEPOT = { ssid: 'Dépôt: atelier', psk: 'p4ss w0rd\\with:colon' };

/** Answers by subcommand, like nmcli would for a unit whose depot network accepts the PSK. */
function nmcli(overrides: Partial<Record<'delete' | 'add' | 'up' | 'down' | 'show' | 'list', CommandResult>> = {}) {
  return new RecordingRunner((command: RecordedCommand) => {
    const a = command.args;
    if (a.includes('list')) return overrides.list ?? nm.SCAN_CROWDED;
    if (a.includes('delete')) return overrides.delete ?? nm.CONNECTION_UNKNOWN;
    if (a.includes('add')) return overrides.add ?? nm.CONNECTION_ADDED;
    if (a.includes('up')) return overrides.up ?? nm.CONNECTION_UP;
    if (a.includes('down')) return overrides.down ?? nm.CONNECTION_DOWN;
    if (a.includes('show')) return overrides.show ?? nm.DEVICE_SHOW_DEPOT;
    throw new Error(`unexpected nmcli ${a.join(' ')}`);
  });
}

/** The error the real runner gives for a program that is not installed (ENOENT), captured for real. */
async function notInstalled(): Promise<unknown> {
  return createExecFileRunner()
    .run('/nonexistent/triporteur-test/nmcli', [])
    .then(
      () => undefined,
      (err: unknown) => err,
    );
}

describe('nmcli terse output', () => {
  it('splits on unescaped colons only and unescapes \\: and \\\\', () => {
    expect(splitTerse('a\\:b:c\\\\:d')).toEqual(['a:b', 'c\\', 'd']);
    expect(splitTerse('GENERAL.CONNECTION:Box\\:5G')).toEqual(['GENERAL.CONNECTION', 'Box:5G']);
  });

  it('reads every AP of a crowded scan, 2.4 and 5 GHz, with channel, frequency and signal', () => {
    const scan = parseScan(nm.SCAN_CROWDED.stdout);
    expect(scan.discarded).toBe(0);
    expect(scan.networks).toHaveLength(16);
    expect(scan.networks[0]).toEqual({ channel: 1, frequencyMhz: 2412, signalPct: 82 });
    expect(scan.networks.at(-1)).toEqual({ channel: 100, frequencyMhz: 5500, signalPct: 30 });
  });

  it('reads a French-locale scan and an empty one (a rural stop)', () => {
    expect(parseScan(nm.SCAN_FRENCH_LOCALE.stdout).networks).toEqual([
      { channel: 6, frequencyMhz: 2437, signalPct: 54 },
      { channel: 11, frequencyMhz: 2462, signalPct: 20 },
    ]);
    expect(parseScan(nm.SCAN_EMPTY.stdout)).toEqual({ networks: [], discarded: 0 });
  });

  it('counts unreadable lines, and refuses output with no readable line at all', () => {
    expect(parseScan(`${nm.SCAN_FRENCH_LOCALE.stdout}banner\n6:2437 MHz:140\n`).discarded).toBe(2);
    expect(() => parseScan(nm.SCAN_GARBAGE.stdout)).toThrow(expect.objectContaining({ code: WifiErrorCode.OUTPUT }));
  });

  it('tells the depot connection from another one and reads the state number whatever the locale', () => {
    expect(parseDeviceShow(nm.DEVICE_SHOW_DEPOT.stdout)).toBe(true);
    expect(parseDeviceShow(nm.DEVICE_SHOW_DEPOT_FRENCH.stdout)).toBe(true);
    expect(parseDeviceShow(nm.DEVICE_SHOW_OTHER.stdout)).toBe(false);
    expect(parseDeviceShow(nm.DEVICE_SHOW_DISCONNECTED.stdout)).toBe(false);
    expect(() => parseDeviceShow(nm.DEVICE_SHOW_GARBAGE.stdout)).toThrow(
      expect.objectContaining({ code: WifiErrorCode.OUTPUT }),
    );
  });
});

describe('createNmcliWifi', () => {
  it('scans with a forced rescan on its own interface, asking for no SSID or BSSID', async () => {
    const runner = nmcli();
    const scan = await createNmcliWifi(runner, { interface: 'wlan0' }).scan();
    expect(scan.networks).toHaveLength(16);
    expect(runner.lines()).toEqual([
      'nmcli --terse --fields CHAN,FREQ,SIGNAL device wifi list --rescan yes ifname wlan0',
    ]);
  });

  it('joins with a fresh non-autoconnecting profile whose PSK goes through stdin only', async () => {
    const runner = nmcli();
    await createNmcliWifi(runner, { interface: 'wlan1', joinTimeoutS: 30 }).join(DEPOT);
    expect(runner.lines()).toEqual([
      `nmcli connection delete id ${DEPOT_CONNECTION}`,
      `nmcli connection add type wifi con-name ${DEPOT_CONNECTION} ifname wlan1 ssid ${DEPOT.ssid} connection.autoconnect no wifi-sec.key-mgmt wpa-psk wifi-sec.psk-flags 2 ipv4.route-metric 50 ipv6.route-metric 50`,
      `nmcli --wait 30 connection up id ${DEPOT_CONNECTION} passwd-file /dev/stdin`,
    ]);
    // The SSID is one argv element even with spaces and a colon: no shell ever reads it.
    expect(runner.calls[1]?.args).toContain(DEPOT.ssid);
    expect(runner.calls.every((call) => !call.args.join(' ').includes(DEPOT.psk))).toBe(true);
    expect(runner.calls[2]?.input).toBe(`802-11-wireless-security.psk:${DEPOT.psk}\n`);
  });

  it('replaces a profile left from an earlier join', async () => {
    const runner = nmcli({ delete: nm.CONNECTION_DELETED });
    await createNmcliWifi(runner, { interface: 'wlan0' }).join(DEPOT);
    expect(runner.calls).toHaveLength(3);
  });

  it('fails a refused join with a coded error that never carries the PSK', async () => {
    const psk = 'Secrets were required';
    const runner = nmcli({ up: nm.CONNECTION_UP_BAD_SECRET });
    const failure = await createNmcliWifi(runner, { interface: 'wlan0' })
      .join({ ssid: 'Depot', psk })
      .catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: WifiErrorCode.COMMAND_FAILED });
    expect(String((failure as Error).message)).toContain('exited with 4');
    expect(String((failure as Error).message)).not.toContain(psk);
  });

  it('refuses an SSID or PSK that nmcli would misread, before running anything', async () => {
    const wifi = createNmcliWifi(nmcli(), { interface: 'wlan0' });
    const refused = [
      { ssid: '', psk: 'long enough' },
      { ssid: 'x'.repeat(33), psk: 'long enough' },
      { ssid: 'Depot\nssid evil', psk: 'long enough' },
      { ssid: 'Depot', psk: 'short' },
      { ssid: 'Depot', psk: 'line\nbreak ok?' },
      { ssid: 'Depot', psk: 'é'.repeat(10) },
    ];
    for (const network of refused) {
      await expect(wifi.join(network)).rejects.toMatchObject({ code: WifiErrorCode.BAD_INPUT });
    }
    await expect(wifi.join({ ssid: 'Depot', psk: 'a'.repeat(64) })).resolves.toBeUndefined();
  });

  it('leaves, and treats leaving a connection that is not up as done', async () => {
    const runner = nmcli({ down: nm.CONNECTION_NOT_ACTIVE });
    await createNmcliWifi(runner, { interface: 'wlan0' }).leave();
    expect(runner.lines()).toEqual([`nmcli connection down id ${DEPOT_CONNECTION}`]);
    await expect(createNmcliWifi(nmcli(), { interface: 'wlan0' }).leave()).resolves.toBeUndefined();
  });

  it('reports the depot link from device show', async () => {
    const runner = nmcli({ show: nm.DEVICE_SHOW_DISCONNECTED });
    expect(await createNmcliWifi(runner, { interface: 'wlan0' }).joined()).toBe(false);
    expect(runner.lines()).toEqual(['nmcli --terse --fields GENERAL.STATE,GENERAL.CONNECTION device show wlan0']);
  });

  it('gives a coded error when NetworkManager is not running', async () => {
    const wifi = createNmcliWifi(nmcli({ list: nm.NM_NOT_RUNNING, show: nm.NM_NOT_RUNNING }), { interface: 'wlan0' });
    await expect(wifi.scan()).rejects.toMatchObject({ code: WifiErrorCode.COMMAND_FAILED });
    await expect(wifi.joined()).rejects.toMatchObject({ code: WifiErrorCode.COMMAND_FAILED });
  });

  it('gives TOOL_MISSING when nmcli is not installed (the real runner error for a missing program)', async () => {
    const missing = await notInstalled();
    expect(missing).toBeInstanceOf(Error);
    const runner = new RecordingRunner(() => {
      throw missing;
    });
    const wifi = createNmcliWifi(runner, { interface: 'wlan0' });
    await expect(wifi.scan()).rejects.toMatchObject({ code: WifiErrorCode.TOOL_MISSING });
    await expect(wifi.leave()).rejects.toMatchObject({ code: WifiErrorCode.TOOL_MISSING });
  });
});
