import { ManualClock } from '@triporteur/firmware-bridge';
import { describe, expect, it } from 'vitest';
import { HotspotError, HotspotErrorCode } from '../src/hotspot/system/errors.js';
import type { RecordingRunner } from '../src/hotspot/system/recording-runner.js';
import { DepotLink } from '../src/wifi/depot-link.js';
import { isWifiError, WifiErrorCode } from '../src/wifi/errors.js';
import { createNmcliWifi } from '../src/wifi/nmcli.js';
import { createSharedRadioHandover } from '../src/wifi/radio-handover.js';
import { captureLogger } from './fixtures/capture-logger.js';
import * as nm from './fixtures/nmcli-outputs.js';
import * as sys from './fixtures/radio-handover-outputs.js';
import { depotRunner } from './support/depot-runner.js';

// No systemd, NetworkManager or radio here: the recording runner answers with their formats (fixtures).

const UNIT = 'hostapd.service';
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
const HELD = 'nmcli --terse --fields GENERAL.STATE device show wlan0';
const RELEASE = ['systemctl stop hostapd.service', 'nmcli device set wlan0 managed yes', HELD];
const RECLAIM = ['nmcli device set wlan0 managed no', 'systemctl start hostapd.service'];

const handover = (runner: RecordingRunner, clock = new ManualClock()) =>
  createSharedRadioHandover(runner, { interface: 'wlan0', hostapdUnit: UNIT, clock, readyPolls: 3, readyPollMs: 500 });

async function codeOf(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (err) {
    return isWifiError(err) ? err.code : `not a WifiError: ${String(err)}`;
  }
}

describe('the shared radio handover', () => {
  it('stops hostapd before NetworkManager takes the radio, and lets go of it before hostapd starts', async () => {
    const runner = depotRunner();
    const radio = handover(runner);
    await radio.release();
    await radio.reclaim();
    expect(runner.lines()).toEqual([...RELEASE, ...RECLAIM]);
  });

  it('waits for NetworkManager to hold the radio before lending it (unavailable, then disconnected)', async () => {
    const states = [sys.DEVICE_STATE_UNAVAILABLE, sys.DEVICE_STATE_DISCONNECTED_FRENCH];
    const runner = depotRunner({ [HELD]: () => states.shift() ?? sys.DEVICE_STATE_DISCONNECTED });
    const clock = new ManualClock();
    let released = false;
    const release = handover(runner, clock)
      .release()
      .then(() => {
        released = true;
      });
    await flush();
    expect(released).toBe(false);
    clock.advance(500);
    await release;
    expect(runner.lines()).toEqual([...RELEASE, HELD]);
  });

  it('gives up with EDG_WIFI_RADIO when NetworkManager never holds the radio', async () => {
    const runner = depotRunner({ [HELD]: sys.DEVICE_STATE_UNAVAILABLE });
    const clock = new ManualClock();
    const code = codeOf(handover(runner, clock).release());
    for (let i = 0; i < 3; i++) {
      await flush();
      clock.advance(500);
    }
    expect(await code).toBe(WifiErrorCode.RADIO_HANDOVER);
    expect(runner.lines().filter((line) => line === HELD)).toHaveLength(3);
  });

  it('refuses a state it cannot read with EDG_WIFI_OUTPUT', async () => {
    const runner = depotRunner({ [HELD]: nm.DEVICE_SHOW_GARBAGE });
    expect(await codeOf(handover(runner).release())).toBe(WifiErrorCode.OUTPUT);
  });

  it('leaves the radio to hostapd when hostapd will not stop (EDG_WIFI_RADIO, systemctl’s own words)', async () => {
    const runner = depotRunner({ 'systemctl stop hostapd.service': sys.SYSTEMCTL_STOP_NOT_LOADED });
    const failure = handover(runner).release();
    await expect(failure).rejects.toMatchObject({
      code: WifiErrorCode.RADIO_HANDOVER,
      message: expect.stringContaining('Unit hostapd.service not loaded'),
    });
    expect(runner.lines()).toEqual(['systemctl stop hostapd.service']);
  });

  it('says so when systemd cannot be reached (captured here: no systemd as PID 1)', async () => {
    const runner = depotRunner({ 'systemctl stop hostapd.service': sys.SYSTEMD_NOT_PID1 });
    expect(await codeOf(handover(runner).release())).toBe(WifiErrorCode.RADIO_HANDOVER);
  });

  it('reports a missing systemctl or nmcli as EDG_WIFI_TOOL_MISSING', async () => {
    const missing = new HotspotError(HotspotErrorCode.COMMAND_START, 'cannot run systemctl: spawn systemctl ENOENT');
    const runner = depotRunner({ 'systemctl stop hostapd.service': missing });
    expect(await codeOf(handover(runner).release())).toBe(WifiErrorCode.TOOL_MISSING);
  });

  it('still starts hostapd when NetworkManager will not let go, then reports that first failure', async () => {
    const runner = depotRunner({ 'nmcli device set wlan0 managed no': sys.DEVICE_SET_NOT_FOUND });
    const failure = handover(runner).reclaim();
    await expect(failure).rejects.toMatchObject({
      code: WifiErrorCode.RADIO_HANDOVER,
      message: expect.stringContaining("Device 'wlan0' not found"),
    });
    expect(runner.lines()).toEqual(RECLAIM);
  });

  it('reports a hostapd that will not start again', async () => {
    const runner = depotRunner({ 'systemctl start hostapd.service': sys.SYSTEMCTL_START_FAILED });
    expect(await codeOf(handover(runner).reclaim())).toBe(WifiErrorCode.RADIO_HANDOVER);
  });
});

describe('the depot link with the shared radio', () => {
  const network = { ssid: 'Atelier-Asso', psk: 'n3 jamais logger' };

  function link(runner: RecordingRunner, parked: () => boolean) {
    const log = captureLogger();
    const depot = new DepotLink({
      wifi: createNmcliWifi(runner, { interface: 'wlan0' }),
      network,
      atDepot: parked,
      clock: new ManualClock(),
      logger: log.logger,
      radio: handover(runner),
    });
    return { depot, log };
  }

  it('joins with the radio released, and gives it back on leaving', async () => {
    const runner = depotRunner();
    let parked = true;
    const { depot } = link(runner, () => parked);
    expect(await depot.step()).toBe('depot');
    parked = false;
    expect(await depot.step()).toBe('away');
    expect(runner.lines().map((line) => line.replace(/ (ifname|ssid|passwd-file) .*$/, ''))).toEqual([
      ...RELEASE,
      'nmcli connection delete id triporteur-depot',
      'nmcli connection add type wifi con-name triporteur-depot',
      'nmcli --wait 45 connection up id triporteur-depot',
      'nmcli connection down id triporteur-depot',
      ...RECLAIM,
    ]);
  });

  it('falls back to the 4G router, hotspot restarted, when hostapd will not stop', async () => {
    const runner = depotRunner({ 'systemctl stop hostapd.service': sys.SYSTEMCTL_STOP_NOT_LOADED });
    const { depot, log } = link(runner, () => true);
    expect(await depot.step()).toBe('fallback');
    expect(depot.uplink()).toBe('4g-router');
    expect(depot.transitions.at(-1)?.reason).toBe('join failed (EDG_WIFI_RADIO)');
    // Never joined: the depot profile was not even created, and the radio went back to hostapd.
    expect(runner.lines().filter((line) => line.includes('connection add'))).toEqual([]);
    expect(runner.lines().slice(-2)).toEqual(RECLAIM);
    expect(log.text()).not.toContain(network.psk);
  });

  it('logs a radio that cannot be given back, and still reaches away', async () => {
    const runner = depotRunner({ 'systemctl start hostapd.service': sys.SYSTEMCTL_START_FAILED });
    let parked = true;
    const { depot, log } = link(runner, () => parked);
    await depot.step();
    parked = false;
    expect(await depot.step()).toBe('away');
    expect(log.lines).toContainEqual(
      expect.objectContaining({ event: 'radio-reclaim-failed', code: 'EDG_WIFI_RADIO', level: 40 }),
    );
  });
});
