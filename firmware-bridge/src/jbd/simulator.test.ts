import { describe, expect, it } from 'vitest';
import { prng } from '../../test/support/prng.js';
import { RecordingTransport } from '../../test/support/recording-transport.js';
import { settle } from '../../test/support/settle.js';
import { hex } from '../../test/vectors/jbd.js';
import { BridgeErrorCode } from '../errors.js';
import { ManualClock } from '../testing/manual-clock.js';
import { decodeResponse, encodeReadRequest, type JbdResponse } from './codec.js';
import { openCircuitVoltage } from './pack-model.js';
import { JbdSimulator, type JbdSimulatorOptions } from './simulator.js';

function setup(options: Partial<JbdSimulatorOptions> = {}) {
  const clock = new ManualClock();
  const transport = new RecordingTransport();
  const sim = new JbdSimulator({ transport, clock, ...options });
  sim.start();
  /** Sends one read and returns the decoded answer, or undefined if the simulator stayed quiet. */
  const ask = async (register: number): Promise<JbdResponse | undefined> => {
    const before = transport.written.length;
    transport.inject(encodeReadRequest(register));
    await settle(2);
    const answer = transport.written[before];
    return answer === undefined ? undefined : decodeResponse(answer);
  };
  return { clock, transport, sim, ask };
}

describe('JbdSimulator', () => {
  it('answers 0x03 with a plausible 13S 48 V pack by default', async () => {
    const { ask } = setup();
    const answer = await ask(0x03);
    if (answer?.kind !== 'basicInfo') throw new Error(`expected basic info, got ${answer?.kind}`);
    const { info } = answer;
    expect(info.cellCount).toBe(13);
    expect(info.voltageV).toBeGreaterThan(50);
    expect(info.voltageV).toBeLessThan(54);
    expect(info.currentA).toBe(-8);
    expect(info.socPct).toBe(90);
    expect(info.remainingAh).toBe(18);
    expect(info.nominalAh).toBe(20);
    expect(info.temperaturesC).toHaveLength(2);
    expect(info.protection).toEqual([]);
    expect(info.fets).toEqual({ charge: true, discharge: true });
    expect(info.balancing).toEqual(Array.from({ length: 13 }, () => false));
  });

  it('answers 0x04 with cell voltages that add up to the pack and spread a little', async () => {
    const { ask, sim } = setup();
    const answer = await ask(0x04);
    if (answer?.kind !== 'cellVoltages') throw new Error(`expected cells, got ${answer?.kind}`);
    const spread = Math.max(...answer.cellsV) - Math.min(...answer.cellsV);
    expect(spread).toBeGreaterThan(0.005);
    expect(spread).toBeLessThan(0.02);
    const total = answer.cellsV.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(sim.snapshot().voltageV, 1);
  });

  it('answers 0x05 with its model string', async () => {
    expect(await setup().ask(0x05)).toEqual({ kind: 'hardwareVersion', register: 5, model: 'TRIPORTEUR-SIM-JBD' });
  });

  it('refuses unknown registers and writes with status 0x80, like a BMS outside factory mode', async () => {
    const { ask, transport } = setup();
    expect(await ask(0xaa)).toMatchObject({ kind: 'deviceError', register: 0xaa, status: 0x80 });
    transport.inject(hex('DD 5A 00 02 56 78 FF 30 77'));
    await settle(2);
    expect(decodeResponse(transport.written.at(-1) ?? new Uint8Array(0))).toMatchObject({
      kind: 'deviceError',
      register: 0x00,
    });
  });

  it('discharges over clock time, timeScale times faster', async () => {
    const { clock, sim } = setup({ timeScale: 60 });
    const start = sim.snapshot();
    clock.advance(30_000); // 30 simulated minutes at 8 A from 20 Ah: 20 % gone
    const later = sim.snapshot();
    expect(later.socPct).toBeCloseTo(70, 5);
    expect(later.voltageV).toBeLessThan(start.voltageV);
    expect(later.remainingAh).toBeCloseTo(14, 5);
  });

  it('trips under-voltage and opens the discharge FET when empty', () => {
    const { clock, sim } = setup({ initialSocPct: 1, timeScale: 3600 });
    clock.advance(60_000);
    const empty = sim.snapshot();
    expect(empty.socPct).toBe(0);
    expect(empty.currentA).toBe(0);
    expect(empty.protection).toContain('cellUnderVoltage');
    expect(empty.fets.discharge).toBe(false);
  });

  it('charges with a negative current, up to full and no further', () => {
    const { clock, sim } = setup({ initialSocPct: 50, timeScale: 60 });
    sim.dischargeA = -10;
    const charging = sim.snapshot();
    expect(charging.currentA).toBe(10);
    clock.advance(30_000); // 30 simulated minutes at 10 A into 20 Ah: +25 points
    expect(sim.snapshot().socPct).toBeCloseTo(75, 5);
    expect(sim.snapshot().voltageV).toBeGreaterThan(charging.voltageV);
    clock.advance(120_000);
    const full = sim.snapshot();
    expect(full.socPct).toBe(100);
    expect(full.currentA).toBe(0);
    expect(full.protection).toEqual([]);
  });

  it('follows a runtime change of current and protection', async () => {
    const { clock, sim, ask } = setup({ timeScale: 60 });
    sim.dischargeA = 0;
    clock.advance(60_000);
    sim.protection = ['chargeOverTemperature'];
    const answer = await ask(0x03);
    if (answer?.kind !== 'basicInfo') throw new Error('expected basic info');
    expect(answer.info.socPct).toBe(90);
    expect(answer.info.protection).toEqual(['chargeOverTemperature']);
    // At rest it balances the cells that stand above the lowest.
    expect(answer.info.balancing.some(Boolean)).toBe(true);
  });

  it('stays silent while asleep, and drops the first request after waking when asked to', async () => {
    const { sim, ask } = setup({ asleep: true, dropFirstAfterWake: true });
    expect(await ask(0x03)).toBeUndefined();
    sim.asleep = false;
    expect(await ask(0x03)).toBeUndefined();
    expect(await ask(0x03)).toMatchObject({ kind: 'basicInfo' });
    expect(sim.stats).toMatchObject({ requests: 3, responses: 1, ignoredAsleep: 1, droppedAfterWake: 1 });
  });

  it('never throws on garbage and still answers the request that follows it', async () => {
    const { transport, sim, ask } = setup();
    const random = prng(7);
    for (let round = 0; round < 1000; round++) {
      const chunk = Uint8Array.from({ length: Math.floor(random() * 50) }, () =>
        random() < 0.1 ? 0xdd : Math.floor(random() * 256),
      );
      expect(() => transport.inject(chunk)).not.toThrow();
    }
    // Whatever the garbage left half-open, a couple of reads get through.
    const answers = [await ask(0x04), await ask(0x04), await ask(0x04)];
    expect(answers.some((a) => a?.kind === 'cellVoltages')).toBe(true);
    expect(sim.stats.discardEvents).toBeGreaterThan(0);
  });

  it('stops listening on stop()', async () => {
    const { transport, sim, ask } = setup();
    sim.stop();
    expect(transport.listeners).toBe(0);
    expect(await ask(0x03)).toBeUndefined();
  });

  it('refuses shapes the wire cannot carry', () => {
    const transport = new RecordingTransport();
    const code = (options: Partial<JbdSimulatorOptions>) => {
      try {
        new JbdSimulator({ transport, ...options });
      } catch (err) {
        return (err as { code?: string }).code;
      }
      return undefined;
    };
    expect(code({ cells: 33 })).toBe(BridgeErrorCode.ENCODE_RANGE);
    expect(code({ cells: 0 })).toBe(BridgeErrorCode.ENCODE_RANGE);
    expect(code({ ntc: 9 })).toBe(BridgeErrorCode.ENCODE_RANGE);
    expect(code({ cells: 32, ntc: 8 })).toBeUndefined();
  });
});

describe('openCircuitVoltage', () => {
  it('rises with SOC across the Li-ion range and clamps outside it', () => {
    const points = [0, 10, 25, 50, 75, 100].map(openCircuitVoltage);
    expect(points).toEqual([...points].sort((a, b) => a - b));
    expect(openCircuitVoltage(-5)).toBe(3.0);
    expect(openCircuitVoltage(150)).toBe(4.18);
    expect(openCircuitVoltage(50)).toBeCloseTo(3.76, 5);
  });
});
