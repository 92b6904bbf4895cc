import { describe, expect, it } from 'vitest';
import { prng } from '../../test/support/prng.js';
import { RecordingTransport } from '../../test/support/recording-transport.js';
import { settle } from '../../test/support/settle.js';
import { BridgeErrorCode } from '../errors.js';
import { ManualClock } from '../testing/manual-clock.js';
import { type DalyResponse, decodeResponse, encodeFrame, encodeReadRequest } from './codec.js';
import { DalyFrameSplitter } from './frame.js';
import { DalySimulator, type DalySimulatorOptions } from './simulator.js';

function setup(options: Partial<DalySimulatorOptions> = {}) {
  const clock = new ManualClock();
  const transport = new RecordingTransport();
  const sim = new DalySimulator({ transport, clock, ...options });
  sim.start();
  /** Sends one read and returns every reply frame it caused, decoded; [] when the board stayed quiet. */
  const ask = async (id: number, link: 'uart' | 'rs485' = 'uart'): Promise<DalyResponse[]> => {
    const before = transport.written.length;
    transport.inject(encodeReadRequest(id, link));
    await settle(2);
    const splitter = new DalyFrameSplitter();
    return transport.written
      .slice(before)
      .flatMap((bytes) => splitter.push(bytes))
      .flatMap((r) => (r.type === 'frame' ? [decodeResponse(r.frame)] : []));
  };
  const one = async <K extends DalyResponse['kind']>(id: number, kind: K) => {
    const [reply] = await ask(id);
    if (reply?.kind !== kind) throw new Error(`expected ${kind}, got ${reply?.kind}`);
    return reply as Extract<DalyResponse, { kind: K }>;
  };
  return { clock, transport, sim, ask, one };
}

describe('DalySimulator', () => {
  it('answers 0x90 from address 0x01 on both host addresses with a plausible 13S pack', async () => {
    const { ask, one } = setup();
    const { soc, address } = await one(0x90, 'soc');
    expect(address).toBe(0x01);
    expect(soc.voltageV).toBeGreaterThan(50);
    expect(soc.voltageV).toBeLessThan(54);
    expect(soc.wireCurrentA).toBe(-8);
    expect(soc.socPct).toBe(90);
    expect(await ask(0x90, 'rs485')).toHaveLength(1);
  });

  it('answers 0x91–0x94 and 0x97–0x98 consistently with the pack', async () => {
    const { one, sim } = setup();
    const pack = sim.snapshot();
    const { range } = await one(0x91, 'cellVoltageRange');
    expect(range.maxCellV).toBe(Math.max(...pack.cellsV));
    expect(pack.cellsV[range.minCell - 1]).toBe(range.minCellV);
    expect((await one(0x92, 'temperatureRange')).range).toMatchObject({ maxSensor: 2, minSensor: 1 });
    const { mos } = await one(0x93, 'mosStatus');
    expect(mos).toMatchObject({ stateCode: 2, state: 'discharging', chargeMos: true, dischargeMos: true, life: 1 });
    expect(mos.remainingAh).toBeCloseTo(18, 3);
    expect((await one(0x94, 'statusInfo')).status).toMatchObject({
      cellCount: 13,
      sensorCount: 2,
      load: true,
      cycles: 37,
    });
    expect((await one(0x97, 'balance')).balance.balancing.some(Boolean)).toBe(false);
    expect((await one(0x98, 'alarms')).alarms).toEqual({ flags: [], otherBits: [0, 0, 0, 0, 0, 0, 0], faultCode: 0 });
  });

  it('sends ceil(cells/3) numbered cell frames and one padded temperature frame', async () => {
    const { ask, sim } = setup();
    const frames = await ask(0x95);
    expect(frames.map((f) => f.kind === 'cellVoltages' && f.cells.frame)).toEqual([1, 2, 3, 4, 5]);
    const cellsV = frames.flatMap((f) => (f.kind === 'cellVoltages' ? f.cells.cellsV : []));
    expect(cellsV.slice(0, 13)).toEqual(sim.snapshot().cellsV);
    expect(cellsV.slice(13)).toEqual([0, 0]);
    const [temps] = await ask(0x96);
    expect(temps).toMatchObject({ kind: 'temperatures', temperatures: { frame: 1 } });
    if (temps?.kind === 'temperatures') expect(temps.temperatures.temperaturesC.slice(2)).toEqual(Array(5).fill(-40));
  });

  it('can number from 0, send all 16 frames, reverse them, or lose some', async () => {
    const frameNumbers = async (options: Partial<DalySimulatorOptions>) =>
      (await setup(options).ask(0x95)).map((f) => (f.kind === 'cellVoltages' ? f.cells.frame : -1));
    expect(await frameNumbers({ frameBase: 0 })).toEqual([0, 1, 2, 3, 4]);
    expect(await frameNumbers({ allFrames: true })).toHaveLength(16);
    expect(await frameNumbers({ reverseFrames: true })).toEqual([5, 4, 3, 2, 1]);
    expect(await frameNumbers({ dropFrames: [2, 4] })).toEqual([1, 3, 5]);
    expect(await frameNumbers({ cells: 48, sensors: 21 })).toHaveLength(16);
  });

  it('puts the current on the wire with its firmware’s sign', async () => {
    const { one } = setup({ wireCurrentSign: -1 });
    expect((await one(0x90, 'soc')).soc.wireCurrentA).toBe(8);
    expect((await one(0x93, 'mosStatus')).mos.state).toBe('discharging');
  });

  it('discharges over clock time, timeScale times faster', () => {
    const { clock, sim } = setup({ timeScale: 60 });
    const start = sim.snapshot();
    clock.advance(30_000); // 30 simulated minutes at 8 A from 20 Ah: 20 points
    expect(sim.snapshot().socPct).toBeCloseTo(70, 5);
    expect(sim.snapshot().voltageV).toBeLessThan(start.voltageV);
  });

  it('raises under-voltage and opens the discharge MOSFET when empty', async () => {
    const { clock, one } = setup({ initialSocPct: 1, timeScale: 3600 });
    clock.advance(60_000);
    expect((await one(0x93, 'mosStatus')).mos).toMatchObject({ dischargeMos: false, state: 'idle', remainingAh: 0 });
    expect((await one(0x98, 'alarms')).alarms.flags).toEqual(
      expect.arrayContaining(['cellVoltageLowL2', 'packVoltageLowL2', 'socLowL1']),
    );
  });

  it('stays silent while asleep, for every id, and answers again when woken', async () => {
    const { ask, sim } = setup({ asleep: true });
    for (const id of [0x90, 0x95, 0x98]) expect(await ask(id)).toEqual([]);
    sim.asleep = false;
    expect(await ask(0x90)).toHaveLength(1);
    expect(sim.stats).toMatchObject({ requests: 4, ignoredAsleep: 3, responses: 1 });
  });

  it('ignores other host addresses, replies on the line, and ids it does not know', async () => {
    const { ask, transport, sim } = setup({ hostAddresses: [0x40] });
    expect(await ask(0x90, 'uart')).toEqual([]);
    transport.inject(encodeFrame(0x01, 0x90, new Uint8Array(8)));
    expect(await ask(0xd9, 'rs485')).toEqual([]);
    expect(sim.stats).toMatchObject({ ignoredAddress: 2, ignoredUnknown: 1, responses: 0 });
  });

  describe('scenarios', () => {
    it('ride: the current changes every 20 s', async () => {
      const { one, clock } = setup({ scenario: 'ride' });
      const currents: number[] = [];
      for (let i = 0; i < 4; i++) {
        currents.push((await one(0x90, 'soc')).soc.wireCurrentA);
        clock.advance(20_000);
      }
      expect(currents).toEqual([-18, -30, -6, 0]);
    });

    it('park then sleep: at rest, then silent after sleepAfterMs', async () => {
      const { ask, one, clock } = setup({ scenario: 'park-then-sleep', sleepAfterMs: 60_000 });
      expect((await one(0x93, 'mosStatus')).mos.state).toBe('idle');
      clock.advance(60_000);
      expect(await ask(0x90)).toEqual([]);
    });

    it('charge: charging state, charger present, SOC rising', async () => {
      const { one, clock } = setup({ scenario: 'charge', timeScale: 60 });
      expect((await one(0x93, 'mosStatus')).mos.state).toBe('charging');
      expect((await one(0x94, 'statusInfo')).status.charger).toBe(true);
      clock.advance(6_000);
      expect((await one(0x90, 'soc')).soc).toMatchObject({ wireCurrentA: 10, socPct: 95 });
    });

    it('fault: over-current alarms, a fault code, discharge MOSFET open', async () => {
      const { one } = setup({ scenario: 'fault' });
      expect((await one(0x98, 'alarms')).alarms).toMatchObject({
        flags: ['dischargeOverCurrentL1', 'dischargeOverCurrentL2'],
        faultCode: 1,
      });
      expect((await one(0x93, 'mosStatus')).mos.dischargeMos).toBe(false);
    });

    it('noisy line: garbage before every frame, never a start byte, and the frames still split out', async () => {
      const { ask, sim } = setup({ scenario: 'noisy-line', seed: 7 });
      expect(await ask(0x95)).toHaveLength(5);
      expect(await ask(0x90)).toHaveLength(1);
      expect(sim.stats.garbageBytes).toBeGreaterThanOrEqual(6);
    });
  });

  it('never throws on garbage and still answers the request after it', async () => {
    const { transport, sim, ask } = setup();
    const random = prng(11);
    for (let round = 0; round < 1000; round++) {
      const chunk = Uint8Array.from({ length: Math.floor(random() * 40) }, () =>
        random() < 0.1 ? 0xa5 : random() < 0.1 ? 0x08 : Math.floor(random() * 256),
      );
      expect(() => transport.inject(chunk)).not.toThrow();
    }
    // Whatever the garbage left pending, a couple of reads get through.
    const answers = [await ask(0x90), await ask(0x90), await ask(0x90)];
    expect(answers.some((a) => a.length === 1)).toBe(true);
    expect(sim.stats.discardEvents).toBeGreaterThan(0);
  });

  it('stops listening on stop()', async () => {
    const { transport, sim, ask } = setup();
    sim.stop();
    expect(transport.listeners).toBe(0);
    expect(await ask(0x90)).toEqual([]);
  });

  it('refuses shapes the protocol cannot carry with BRG_OPTION_INVALID', () => {
    const transport = new RecordingTransport();
    const code = (options: Partial<DalySimulatorOptions>) => {
      try {
        new DalySimulator({ transport, ...options });
      } catch (err) {
        return (err as { code?: string }).code;
      }
      return undefined;
    };
    expect(code({ cells: 49 })).toBe(BridgeErrorCode.OPTION_INVALID);
    expect(code({ cells: 0 })).toBe(BridgeErrorCode.OPTION_INVALID);
    expect(code({ sensors: 22 })).toBe(BridgeErrorCode.OPTION_INVALID);
    expect(code({ cells: 48, sensors: 0 })).toBeUndefined();
  });
});
