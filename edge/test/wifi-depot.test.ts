import { ManualClock } from '@triporteur/firmware-bridge';
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../src/hotspot/system/command.js';
import { RecordingRunner } from '../src/hotspot/system/recording-runner.js';
import { DepotArea } from '../src/wifi/depot-area.js';
import { DepotLink, type RadioHandover } from '../src/wifi/depot-link.js';
import { createNmcliWifi } from '../src/wifi/nmcli.js';
import { captureLogger } from './fixtures/capture-logger.js';
import * as nm from './fixtures/nmcli-outputs.js';

// No NetworkManager here: the depot link drives nmcli through the recording runner, fed nmcli's formats.

const NETWORK = { ssid: 'Atelier-Asso', psk: 'n3 jamais logger' };
const MINUTE = 60_000;
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A unit at the depot whose nmcli answers can be changed mid-test; the radio's moves join the same log. */
function rig(options: { retryMs?: number } = {}) {
  const clock = new ManualClock();
  const log = captureLogger();
  const answers: { up: CommandResult; show: CommandResult } = { up: nm.CONNECTION_UP, show: nm.DEVICE_SHOW_DEPOT };
  const order: string[] = [];
  const runner = new RecordingRunner((command) => {
    const a = command.args;
    const verb = a.find((arg) => ['delete', 'add', 'up', 'down', 'show'].includes(arg)) ?? '?';
    order.push(`nmcli ${verb}`);
    if (verb === 'delete') return nm.CONNECTION_UNKNOWN;
    if (verb === 'add') return nm.CONNECTION_ADDED;
    if (verb === 'up') return answers.up;
    if (verb === 'down') return nm.CONNECTION_DOWN;
    return answers.show;
  });
  const radio: RadioHandover = {
    release: async () => void order.push('radio release'),
    reclaim: async () => void order.push('radio reclaim'),
  };
  let parked = false;
  const link = new DepotLink({
    wifi: createNmcliWifi(runner, { interface: 'wlan0' }),
    network: NETWORK,
    atDepot: () => parked,
    clock,
    logger: log.logger,
    radio,
    checkIntervalMs: MINUTE,
    ...(options.retryMs === undefined ? {} : { retryMs: options.retryMs }),
  });
  return {
    clock,
    log,
    answers,
    order,
    runner,
    link,
    park: (value: boolean) => {
      parked = value;
    },
    path: () => link.transitions.map((t) => `${t.from}→${t.to}`),
  };
}

describe('DepotArea (parked at base)', () => {
  const depot = new DepotArea({ lat: 45.7578, lon: 4.832, radiusM: 60, dwellMs: 5 * MINUTE });

  it('is parked after the dwell time still inside the circle, not before', () => {
    depot.observe({ at: 0, lat: 45.7579, lon: 4.8321, speedKmh: 0 });
    expect(depot.parked(4 * MINUTE)).toBe(false);
    depot.observe({ at: 4 * MINUTE, lat: 45.7578, lon: 4.832, speedKmh: 0.4 });
    expect(depot.parked(5 * MINUTE)).toBe(true);
  });

  it('is not parked while moving through the circle, nor outside it', () => {
    const area = new DepotArea({ lat: 45.7578, lon: 4.832, radiusM: 60, dwellMs: MINUTE });
    area.observe({ at: 0, lat: 45.7578, lon: 4.832, speedKmh: 12 });
    expect(area.parked(10 * MINUTE)).toBe(false);
    area.observe({ at: 0, lat: 45.76, lon: 4.832, speedKmh: 0 }); // ~245 m north
    expect(area.parked(10 * MINUTE)).toBe(false);
  });

  it('keeps its answer through samples with no position (no fix, or location paused)', () => {
    const area = new DepotArea({ lat: 45.7578, lon: 4.832, radiusM: 60, dwellMs: MINUTE });
    area.observe({ at: 0, lat: 45.7578, lon: 4.832, speedKmh: 0 });
    area.observe({ at: 30_000 });
    expect(area.parked(2 * MINUTE)).toBe(true);
    area.observe({ at: 3 * MINUTE, lat: 45.7578, lon: 4.832, speedKmh: 9 });
    area.observe({ at: 4 * MINUTE });
    expect(area.parked(10 * MINUTE)).toBe(false);
  });
});

describe('DepotLink', () => {
  it('stays on the 4G router while away, running nothing', async () => {
    const r = rig();
    expect(await r.link.step()).toBe('away');
    expect(r.link.uplink()).toBe('4g-router');
    expect(r.order).toEqual([]);
  });

  it('joins when parked: radio released first, then a fresh profile, then up', async () => {
    const r = rig();
    r.park(true);
    expect(await r.link.step()).toBe('depot');
    expect(r.link.uplink()).toBe('depot-wifi');
    expect(r.order).toEqual(['radio release', 'nmcli delete', 'nmcli add', 'nmcli up']);
    expect(r.path()).toEqual(['away→joining', 'joining→depot']);
  });

  it('checks the link while parked and leaves when the unit drives off, giving the radio back', async () => {
    const r = rig();
    r.park(true);
    await r.link.step();
    expect(await r.link.step()).toBe('depot');
    r.park(false);
    expect(await r.link.step()).toBe('away');
    expect(r.order.slice(4)).toEqual(['nmcli show', 'nmcli down', 'radio reclaim']);
    expect(r.path()).toEqual(['away→joining', 'joining→depot', 'depot→leaving', 'leaving→away']);
    expect(r.link.uplink()).toBe('4g-router');
  });

  it('falls back to the router when the join fails, and retries only after the retry delay', async () => {
    const r = rig({ retryMs: 10 * MINUTE });
    r.answers.up = nm.CONNECTION_UP_BAD_SECRET;
    r.park(true);
    expect(await r.link.step()).toBe('fallback');
    expect(r.order).toEqual(['radio release', 'nmcli delete', 'nmcli add', 'nmcli up', 'nmcli down', 'radio reclaim']);
    expect(r.link.transitions.at(-1)?.reason).toBe('join failed (EDG_WIFI_COMMAND)');

    r.answers.up = nm.CONNECTION_UP;
    r.clock.advance(9 * MINUTE);
    expect(await r.link.step()).toBe('fallback');
    expect(r.order).toHaveLength(6);
    r.clock.advance(MINUTE);
    expect(await r.link.step()).toBe('depot');
    expect(r.path()).toEqual(['away→joining', 'joining→fallback', 'fallback→joining', 'joining→depot']);
  });

  it('falls back when the depot link drops while parked', async () => {
    const r = rig();
    r.park(true);
    await r.link.step();
    r.answers.show = nm.DEVICE_SHOW_DISCONNECTED;
    expect(await r.link.step()).toBe('fallback');
    expect(r.path().slice(-2)).toEqual(['depot→leaving', 'leaving→fallback']);
    expect(r.link.transitions.at(-1)?.reason).toBe('depot link lost');
  });

  it('falls back when nmcli cannot even say (NetworkManager stopped)', async () => {
    const r = rig();
    r.park(true);
    await r.link.step();
    r.answers.show = nm.NM_NOT_RUNNING;
    expect(await r.link.step()).toBe('fallback');
    expect(r.log.lines).toContainEqual(
      expect.objectContaining({ event: 'depot-check-failed', code: 'EDG_WIFI_COMMAND' }),
    );
  });

  it('goes back to away from fallback when the unit leaves, with nothing left to undo', async () => {
    const r = rig();
    r.answers.up = nm.CONNECTION_UP_BAD_SECRET;
    r.park(true);
    await r.link.step();
    const ran = r.order.length;
    r.park(false);
    expect(await r.link.step()).toBe('away');
    expect(r.order).toHaveLength(ran);
  });

  it('logs every transition at info, and never the PSK or the SSID', async () => {
    const r = rig();
    r.answers.up = nm.CONNECTION_UP_BAD_SECRET;
    r.park(true);
    await r.link.step();
    r.answers.up = nm.CONNECTION_UP;
    r.clock.advance(10 * MINUTE);
    await r.link.step();
    r.park(false);
    await r.link.step();
    const transitions = r.log.lines.filter((line) => line.event === 'depot-link');
    expect(transitions.map((line) => [line.level, line.from, line.to])).toEqual(
      r.link.transitions.map((t) => [30, t.from, t.to]),
    );
    expect(r.log.text()).not.toContain(NETWORK.psk);
    expect(r.log.text()).not.toContain(NETWORK.ssid);
  });

  it('runs on its own timer, one step per interval', async () => {
    const r = rig();
    r.park(true);
    r.link.start();
    r.clock.advance(0);
    await flush();
    expect(r.link.state).toBe('depot');
    r.clock.advance(MINUTE);
    await flush();
    expect(r.order.filter((line) => line === 'nmcli show')).toHaveLength(1);
    r.park(false);
    r.clock.advance(MINUTE);
    await flush();
    expect(r.link.state).toBe('away');
    await r.link.stop();
    expect(r.clock.pendingTimers).toBe(0);
  });

  it('leaves the depot network and gives the radio back when stopped', async () => {
    const r = rig();
    r.park(true);
    await r.link.step();
    await r.link.stop();
    expect(r.link.state).toBe('away');
    expect(r.order.slice(-2)).toEqual(['nmcli down', 'radio reclaim']);
  });

  it('shares one step between concurrent calls', async () => {
    const r = rig();
    r.park(true);
    const [a, b] = await Promise.all([r.link.step(), r.link.step()]);
    expect([a, b]).toEqual(['depot', 'depot']);
    expect(r.order.filter((line) => line === 'nmcli up')).toHaveLength(1);
  });
});
