import { systemClock } from '@triporteur/firmware-bridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostapdStations } from '../src/hotspot/service/hostapd-stations.js';
import type { StationEvent } from '../src/hotspot/sessions/ports.js';
import { createExecFileRunner } from '../src/hotspot/system/command.js';
import { recordHostapdCli } from './support/hotspot-hostapd-cli.js';
import { type FakeHostapdCli, makeFakeHostapdCli } from './support/hotspot-service-fake-cli.js';
import { captureLogs } from './support/hotspot-sessions-fakes.js';
import { until } from './support/until.js';

// hostapd cannot run here without a radio, so station events come from a stand-in hostapd_cli found
// first in PATH (support/hotspot-service-fake-cli.ts): the adapter's own command line (stdbuf, -p, -i,
// -G) runs unchanged. The link-lost / re-established lines it replays were recorded just before from a
// real hostapd_cli attached to a real hostapd without a radio; station lines follow hostapd 2.10's format.
const A = '3a:1f:22:90:aa:01';
const B = '3a:1f:22:90:aa:02';
const C = '3a:1f:22:90:aa:03';
const D = '3a:1f:22:90:aa:04';

let cli: FakeHostapdCli;
let recorded: string[];
let stations: HostapdStations;
const events: StationEvent[] = [];
const { logger, lines } = captureLogs('debug');
const savedPath = process.env.PATH;

beforeAll(async () => {
  const real = await recordHostapdCli();
  // What it printed once attached: hostapd going away and coming back.
  recorded = real.slice(real.findIndex((line) => /Interactive mode/.test(line)) + 1);
  cli = await makeFakeHostapdCli();
  process.env.PATH = `${cli.binDir}:${savedPath}`;
  await cli.setStations([A]);
  stations = new HostapdStations({
    controlDir: '/run/hostapd',
    iface: 'wlan0',
    runner: createExecFileRunner(),
    clock: systemClock,
    logger,
    restartMinMs: 50,
    restartMaxMs: 200,
    stableMs: 60_000,
  });
  stations.onStation((event) => events.push(event));
}, 30_000);

afterAll(async () => {
  await stations?.stop();
  process.env.PATH = savedPath;
  await cli?.remove();
});

const seen = (type: StationEvent['type'], mac: string) => events.some((e) => e.type === type && e.mac === mac);

describe('hostapd stations through a long-running hostapd_cli', () => {
  it('runs hostapd_cli as the system layer builds it, for the residents’ BSS, and lists the stations', async () => {
    stations.start();
    expect(await stations.snapshot()).toEqual([A]);
    // Once attached it lists them again (snapshot and attach: two listings), finding no change.
    const listings = async () => (await cli.calls()).filter((call) => call.endsWith('all_sta')).length;
    await expect.poll(listings).toBe(2);
    expect(await cli.calls()).toEqual(
      expect.arrayContaining(['-p/run/hostapd -iwlan0 all_sta', '-p/run/hostapd -iwlan0 -G5']),
    );
    expect(await cli.attaches()).toBe(1);
    expect(events).toEqual([]);
  });

  it('reports joins and leaves on the residents’ BSS, and nothing from the staff BSS', async () => {
    await cli.print(
      `<3>AP-STA-CONNECTED ${B.toUpperCase()} ip_addr=10.42.0.23 `,
      `IFNAME=wlan0staff <3>AP-STA-CONNECTED ${C}`,
      'hostapd_cli v2.10',
      `> <3>AP-STA-DISCONNECTED ${A}`,
    );
    await until(() => seen('disconnected', A), 'A to leave');
    expect(events).toEqual([
      { type: 'connected', mac: B },
      { type: 'disconnected', mac: A },
    ]);
  });

  it('lists the stations again when the link to hostapd comes back, and reports what changed', async () => {
    expect(recorded.some((line) => /re-established/.test(line))).toBe(true);
    // While hostapd was away, B left and D joined.
    await cli.setStations([D]);
    events.length = 0;
    await cli.print(...recorded);
    await until(() => events.length === 2, 'the catch-up');
    expect(events).toEqual([
      { type: 'disconnected', mac: B },
      { type: 'connected', mac: D },
    ]);
  });

  it('restarts hostapd_cli with a growing delay when it dies, and catches up once attached', async () => {
    await cli.setStations([D, A]);
    events.length = 0;
    await cli.kill(1);
    await until(() => seen('connected', A), 'A seen after the restart');
    expect(await cli.attaches()).toBe(2);
    await cli.kill(2);
    await expect.poll(() => cli.attaches()).toBe(3);
    await cli.kill(3);
    await expect.poll(() => cli.attaches()).toBe(4);
    await cli.kill(4);
    await expect.poll(() => cli.attaches()).toBe(5);
    const restarts = lines
      .map((line) => JSON.parse(line) as { event?: string; code?: number; restartInMs?: number })
      .filter((line) => line.event === 'hostapd-cli-exited');
    expect(restarts.map((r) => [r.code, r.restartInMs])).toEqual([
      [1, 50],
      [2, 100],
      [3, 200],
      [4, 200],
    ]);
    expect(events).toEqual([{ type: 'connected', mac: A }]);
  });

  it('stops it for good: no restart after stop', async () => {
    await stations.stop();
    const attaches = await cli.attaches();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await cli.attaches()).toBe(attaches);
  });

  it('never names a station at info level', () => {
    const info = lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 30);
    expect(info.length).toBeGreaterThan(0);
    for (const line of info) expect(line).not.toMatch(/[0-9a-f]{2}(:[0-9a-f]{2}){5}/i);
  });
});
