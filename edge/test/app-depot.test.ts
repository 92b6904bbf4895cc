import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { validateEdgeConfig } from '../src/config/load.js';
import { applyRecord, type ReconstructedState } from '../src/contract/records.js';
import { RecordingRunner } from '../src/hotspot/system/recording-runner.js';
import { startSimulatedDevices } from '../src/simulation/devices.js';
import { captureLogger } from './fixtures/capture-logger.js';
import { startTestBroker } from './support/aedes-broker.js';
import { depotRunner } from './support/depot-runner.js';
import { recordingHost, testConfig } from './support/rig.js';
import { observeTelemetry } from './support/telemetry-observer.js';
import { until } from './support/until.js';

// The edge with a `depot` section and a simulated NMEA GPS on a pty, parked at the depot. No radio,
// NetworkManager or systemd here: nmcli and systemctl go through the recording runner, answered in their
// own formats (fixtures); telemetry goes over a real broker.

const UNIT = 'tri-test-01';
const PSK = 'n3 jamais logger';
const DEPOT = { lat: 45.7578, lon: 4.832 };
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The hotspot owns wlan0; its portal cannot bind 192.0.2.1 here, which the depot link does not need. */
const hotspotSection = {
  residents: {
    interface: 'wlan0',
    ssid: 'Wifi social',
    address: '192.0.2.1',
    subnet: '192.0.2.0/24',
    dhcpRange: { start: '192.0.2.10', end: '192.0.2.200' },
  },
  // No radio to survey here: hostapd is left alone at start.
  wifi: { survey: false },
  uplink: { interfaces: ['eth0'] },
  pages: { venue: { associationName: 'PIMMS Test', contact: 'contact@example.org' } },
};

describe('edge app: the depot Wi-Fi when parked at base', () => {
  it('joins the depot network from its own positions while location is paused, and leaves when it drives off', async () => {
    const devices = await startSimulatedDevices({
      devices: ['bms', 'gps'],
      scenario: 'park',
      route: [DEPOT, { lat: 45.7678, lon: 4.832 }],
    });
    cleanups.push(() => devices.stop());
    const { bms, gps } = devices.config;
    if (!bms || !gps) throw new Error('no simulated BMS or GPS');
    const broker = await startTestBroker({ [UNIT]: 'unit-secret', observer: 'observer-secret' });
    cleanups.push(() => broker.close());
    const { records, close } = await observeTelemetry(broker.url, UNIT);
    cleanups.push(close);

    const base = structuredClone(testConfig({ bmsPath: bms.path, url: broker.url })) as Record<string, unknown>;
    const dataDir = dirname((base.outbox as { path: string }).path);
    const pskFile = join(dataDir, 'depot.psk');
    writeFileSync(pskFile, `${PSK}\n`, { mode: 0o600 });
    // The mediators paused location (the dashboard toggle, saved): no position may leave the unit.
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'location-privacy.json'), '{"manual":true,"by":"dashboard","changedAt":1}\n');
    const config = validateEdgeConfig({
      ...base,
      bms: { ...bms, pollIntervalMs: 300 },
      gps,
      hotspot: hotspotSection,
      depot: { ssid: 'Atelier-Asso', pskFile, area: { ...DEPOT, radiusM: 60, dwellS: 0 }, checkIntervalS: 1 },
    });

    const runner = depotRunner();
    const log = captureLogger();
    const app = buildApp({ ...recordingHost(), logger: log.logger }, config, {
      depotRunner: runner,
      hotspotRunner: new RecordingRunner(),
    });
    cleanups.push(() => app.stop());
    await app.start();

    const state = () => records.reduce<ReconstructedState>((s, record) => applyRecord(s, record), {});
    const lines = () => runner.lines();

    await until(() => state().uplink?.values.via === 'depot-wifi', 'the uplink record saying depot-wifi');
    // Tidied at start (nothing was left lent), then lent to NetworkManager and joined.
    expect(lines().slice(3, 9)).toEqual([
      'systemctl stop hostapd.service',
      'nmcli device set wlan0 managed yes',
      'nmcli --terse --fields GENERAL.STATE device show wlan0',
      'nmcli connection delete id triporteur-depot',
      expect.stringMatching(
        /^nmcli connection add type wifi con-name triporteur-depot ifname wlan0 ssid Atelier-Asso /,
      ),
      'nmcli --wait 45 connection up id triporteur-depot passwd-file /dev/stdin',
    ]);
    // The positions that put it there never left the unit: location is paused in every record.
    const positions = records.flatMap((r) => (r.position ? [r.position] : []));
    expect(positions.length).toBeGreaterThan(0);
    for (const position of positions) {
      expect(position).not.toHaveProperty('lat');
      expect(position).not.toHaveProperty('lon');
    }
    expect(state().position?.values).toMatchObject({ paused: true });

    devices.setScenario('ride');
    await until(() => state().uplink?.values.via === '4g-router', 'the uplink record back on 4g-router');
    expect(lines().slice(-3)).toEqual([
      'nmcli connection down id triporteur-depot',
      'nmcli device set wlan0 managed no',
      'systemctl start hostapd.service',
    ]);

    // The PSK reached nmcli on its standard input, once, and nowhere else: no argv, no log line.
    expect(runner.calls.filter((call) => call.input !== undefined).map((call) => call.input)).toEqual([
      `802-11-wireless-security.psk:${PSK}\n`,
    ]);
    expect(lines().join('\n')).not.toContain(PSK);
    expect(log.text()).not.toContain(PSK);
    expect(log.lines).toContainEqual(expect.objectContaining({ event: 'depot-link', to: 'depot', level: 30 }));
  });
});
