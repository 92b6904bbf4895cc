import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, type PositionSample } from '@triporteur/firmware-bridge';
import { afterEach, describe, expect, it } from 'vitest';
import { validateDepotSection } from '../src/wifi/config.js';
import { type DepotService, depotFixOf, startDepotLink } from '../src/wifi/depot-service.js';
import { captureLogger } from './fixtures/capture-logger.js';
import * as nm from './fixtures/nmcli-outputs.js';
import { depotRunner } from './support/depot-runner.js';

// No NetworkManager or systemd here: nmcli and systemctl answer through the recording runner (fixtures).

const PSK = 'n3 jamais logger';
const DEPOT = { lat: 45.7578, lon: 4.832 };
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function pskFile(content: string, mode = 0o600): string {
  const path = join(mkdtempSync(join(tmpdir(), 'depot-psk-')), 'depot.psk');
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

const running: DepotService[] = [];
afterEach(async () => {
  for (const service of running.splice(0)) await service.stop();
});

async function start(options: { psk?: string; mode?: number; interface?: string } = {}) {
  const section = validateDepotSection({
    ssid: 'Atelier-Asso',
    pskFile: pskFile(options.psk ?? `${PSK}\n`, options.mode),
    area: { ...DEPOT, radiusM: 60, dwellS: 60 },
    checkIntervalS: 10,
    ...(options.interface ? { interface: options.interface } : {}),
  });
  const clock = new ManualClock();
  const log = captureLogger();
  const commands = depotRunner();
  const service = await startDepotLink(section, {
    runner: commands,
    clock,
    logger: log.logger,
    hotspotInterface: 'wlan0',
    hostapdUnit: 'hostapd.service',
  });
  running.push(service);
  /** Parked at the depot for the dwell time, then one check. */
  const park = async () => {
    service.observe({ at: clock.now(), ...DEPOT, speedKmh: 0 });
    for (let i = 0; i < 6; i++) {
      clock.advance(10_000);
      await flush();
      service.observe({ at: clock.now(), ...DEPOT, speedKmh: 0.3 });
    }
    clock.advance(10_000);
    await flush();
  };
  return { service, clock, log, commands, park };
}

describe('startDepotLink', () => {
  it('joins once parked through the dwell time, the PSK on nmcli’s stdin only', async () => {
    const { service, commands, log, park } = await start();
    expect(service.aggregate()).toEqual({ via: '4g-router' });
    await park();
    expect(service.state).toBe('depot');
    expect(service.aggregate()).toEqual({ via: 'depot-wifi' });
    const up = commands.calls.find((call) => call.args.includes('up'));
    // The file's trailing newline is not part of the passphrase.
    expect(up?.input).toBe(`802-11-wireless-security.psk:${PSK}\n`);
    expect(commands.calls.flatMap((call) => call.args).join(' ')).not.toContain(PSK);
    expect(log.text()).not.toContain(PSK);
  });

  it('borrows the hotspot’s radio when it is the same one: hostapd stops first', async () => {
    const { service, commands, park } = await start();
    expect(service.sharedRadio).toBe(true);
    await park();
    expect(commands.lines().slice(3, 6)).toEqual([
      'systemctl stop hostapd.service',
      'nmcli device set wlan0 managed yes',
      'nmcli --terse --fields GENERAL.STATE device show wlan0',
    ]);
  });

  it('starts away: a network left up and a radio left lent by a run that died at the depot are undone', async () => {
    const { commands } = await start();
    expect(commands.lines()).toEqual([
      'nmcli connection down id triporteur-depot',
      'nmcli device set wlan0 managed no',
      'systemctl start hostapd.service',
    ]);
  });

  it('starts anyway when that tidying fails (no NetworkManager), and says so', async () => {
    const section = validateDepotSection({ ssid: 'Atelier-Asso', pskFile: pskFile(PSK), area: DEPOT });
    const log = captureLogger();
    const deps = {
      runner: depotRunner({
        'nmcli connection down id triporteur-depot': nm.NM_NOT_RUNNING,
        'nmcli device set wlan0 managed no': nm.NM_NOT_RUNNING,
      }),
      clock: new ManualClock(),
      logger: log.logger,
      hotspotInterface: 'wlan0',
    };
    const service = await startDepotLink(section, deps);
    running.push(service);
    expect(service.state).toBe('away');
    expect(log.lines.filter((line) => line.level === 40).map((line) => [line.event, line.code])).toEqual([
      ['depot-leave-failed', 'EDG_WIFI_COMMAND'],
      ['radio-reclaim-failed', 'EDG_WIFI_RADIO'],
    ]);
  });

  it('leaves hostapd alone with a second adapter', async () => {
    const { service, commands, park } = await start({ interface: 'wlan1' });
    expect(service.sharedRadio).toBe(false);
    await park();
    expect(service.state).toBe('depot');
    expect(commands.calls.filter((call) => call.file === 'systemctl')).toEqual([]);
    expect(commands.lines()).toContainEqual(expect.stringMatching(/connection add .* ifname wlan1 /));
  });

  it('leaves and gives the radio back when stopped at the depot', async () => {
    const { service, commands, park } = await start();
    await park();
    await service.stop();
    expect(service.state).toBe('away');
    expect(commands.lines().slice(-3)).toEqual([
      'nmcli connection down id triporteur-depot',
      'nmcli device set wlan0 managed no',
      'systemctl start hostapd.service',
    ]);
  });

  it('refuses a missing PSK file with EDG_WIFI_PSK_FILE', async () => {
    const section = validateDepotSection({
      ssid: 'Atelier-Asso',
      pskFile: '/nonexistent/depot.psk',
      area: DEPOT,
    });
    const deps = { runner: depotRunner(), clock: new ManualClock(), logger: captureLogger().logger };
    await expect(startDepotLink(section, deps)).rejects.toMatchObject({
      code: 'EDG_WIFI_PSK_FILE',
      message: expect.stringContaining('ENOENT'),
    });
  });

  it('refuses a PSK nmcli would refuse, without quoting it', async () => {
    const failure = start({ psk: 'court\n' });
    await expect(failure).rejects.toMatchObject({ code: 'EDG_WIFI_INPUT' });
    await expect(failure).rejects.not.toMatchObject({ message: expect.stringContaining('court') });
  });

  it('warns when the PSK file is readable by others', async () => {
    const { log } = await start({ mode: 0o644 });
    expect(log.lines).toContainEqual(expect.objectContaining({ event: 'depot-psk-file-mode', level: 40 }));
    expect(log.text()).not.toContain(PSK);
  });
});

describe('depotFixOf', () => {
  const sample = (extra: Partial<PositionSample>): PositionSample => ({
    kind: 'position',
    source: 'nmea',
    at: 1000,
    fix: '3d',
    ...extra,
  });

  it('passes a believed fix on', () => {
    expect(depotFixOf(sample({ ...DEPOT, speedKmh: 0.4 }))).toEqual({ at: 1000, ...DEPOT, speedKmh: 0.4 });
  });

  it('drops the position of a stale, refused or absent fix: it says nothing new', () => {
    expect(depotFixOf(sample({ ...DEPOT, fix: 'none', quality: { lat: 'stale', lon: 'stale' } }))).toEqual({
      at: 1000,
    });
    expect(depotFixOf(sample({ ...DEPOT, quality: { lat: 'out-of-range', lon: 'out-of-range' } }))).toEqual({
      at: 1000,
    });
    expect(depotFixOf(sample({ ...DEPOT, speedKmh: 300, quality: { speedKmh: 'out-of-range' } }))).toEqual({
      at: 1000,
    });
    expect(depotFixOf(sample({ fix: 'none' }))).toEqual({ at: 1000 });
  });
});
