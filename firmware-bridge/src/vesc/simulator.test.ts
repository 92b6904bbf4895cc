import { describe, expect, it } from 'vitest';
import { prng } from '../../test/support/prng.js';
import { RecordingTransport } from '../../test/support/recording-transport.js';
import { settle } from '../../test/support/settle.js';
import { hex } from '../../test/vectors/vesc.js';
import { ManualClock } from '../testing/manual-clock.js';
import {
  decodeReply,
  encodeFwVersionRequest,
  encodeGetValuesRequest,
  encodeGetValuesSelectiveRequest,
  type VescReply,
} from './codec.js';
import { VescFrameSplitter } from './frame.js';
import { RideModel } from './ride-model.js';
import { toMotorSample } from './sample.js';
import { VescSimulator, type VescSimulatorOptions } from './simulator.js';
import { vescMaskOf } from './values.js';

const HUB = { motorPolePairs: 15, wheelCircumferenceM: 1.596 };

function setup(options: Partial<VescSimulatorOptions> = {}) {
  const clock = new ManualClock();
  const transport = new RecordingTransport();
  const sim = new VescSimulator({ transport, clock, ...options });
  sim.start();
  /** Sends one request and returns the decoded answer, or undefined if the controller stayed quiet. */
  const ask = async (request: Uint8Array): Promise<VescReply | undefined> => {
    const before = transport.written.length;
    transport.inject(request);
    await settle(2);
    const answer = transport.written[before];
    if (answer === undefined) return undefined;
    const frames = new VescFrameSplitter().push(answer).filter((r) => r.type === 'frame');
    return frames[0]?.type === 'frame' ? decodeReply(frames[0].frame) : undefined;
  };
  const values = async () => {
    const reply = await ask(encodeGetValuesRequest());
    if (reply?.kind !== 'values') throw new Error(`expected GET_VALUES, got ${reply?.kind}`);
    return reply;
  };
  return { clock, transport, sim, ask, values };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('VescSimulator', () => {
  it('answers FW_VERSION as firmware 6.05 on hardware "60" by default', async () => {
    const reply = await setup().ask(encodeFwVersionRequest());
    expect(reply).toMatchObject({
      kind: 'fwVersion',
      fw: { major: 6, minor: 5, hardwareName: '60', hardwareType: 0, firmwareName: '', newAppOffset: 0 },
    });
    if (reply?.kind === 'fwVersion') expect(reply.fw.uuid).toHaveLength(12);
  });

  it('answers GET_VALUES with all 22 fields, standing at the start of a leg', async () => {
    const { values } = await setup().values();
    expect(Object.keys(values)).toHaveLength(22);
    expect(values).toMatchObject({ erpm: 0, inputCurrentA: 0, duty: 0, inputVoltageV: 52, faultCode: 0, status: 0 });
  });

  it('rides a delivery leg: pulls away drawing current, cruises at 18 km/h, brakes regenerating, stands', async () => {
    const { clock, values } = setup();
    const at = async (s: number) => {
      clock.advance(s * 1000 - (clock.now() - Date.UTC(2025, 0, 1)));
      return (await values()).values;
    };
    const pulling = await at(4);
    expect(pulling.inputCurrentA).toBeGreaterThan(10);
    expect(pulling.inputVoltageV).toBeLessThan(52);
    const cruising = await at(20);
    expect(toMotorSample(cruising, HUB, 0).speedKmh).toBeCloseTo(18, 0);
    expect(cruising.inputCurrentA).toBeGreaterThan(2);
    expect(cruising.inputCurrentA).toBeLessThan(8);
    expect(cruising.duty).toBeGreaterThan(0.4);
    const braking = await at(41);
    expect(braking.inputCurrentA).toBeLessThan(0);
    expect(braking.motorCurrentA).toBeLessThan(0);
    const standing = await at(50);
    expect(standing).toMatchObject({ erpm: 0, inputCurrentA: 0, motorCurrentA: 0 });
    expect(standing.ampHours).toBeGreaterThan(0);
    expect(standing.ampHoursCharged).toBeGreaterThan(0);
    expect(standing.ampHoursCharged).toBeLessThan(standing.ampHours ?? 0);
    expect(standing.tachometerAbs).toBeGreaterThan(0);
    // The profile repeats: a minute later it is pulling away again.
    expect((await at(64)).inputCurrentA).toBeCloseTo(pulling.inputCurrentA ?? 0, 1);
  });

  it('runs timeScale times faster', async () => {
    const { clock, values } = setup({ timeScale: 10 });
    clock.advance(2000);
    expect(toMotorSample((await values()).values, HUB, 0).speedKmh).toBeCloseTo(18, 0);
  });

  it('stands still when parked', async () => {
    const { clock, sim, values } = setup({ scenario: 'park' });
    clock.advance(20_000);
    expect((await values()).values).toMatchObject({ erpm: 0, inputCurrentA: 0, duty: 0, faultCode: 0, tempFetC: 25 });
    sim.scenario = 'ride';
    clock.advance(4000);
    expect((await values()).values.erpm).toBeGreaterThan(0);
  });

  it('reports motor over-temperature in the fault scenario, with the motor cut, and another fault when set', async () => {
    const { sim, values } = setup({ scenario: 'fault' });
    const { values: faulted } = await values();
    expect(faulted).toMatchObject({ faultCode: 6, erpm: 0, inputCurrentA: 0 });
    expect(faulted.tempMotorC).toBeGreaterThan(100);
    sim.faultCode = 5;
    expect((await values()).values.faultCode).toBe(5);
    expect(codeOf(() => (sim.faultCode = 0))).toBe('BRG_OPTION_INVALID');
    expect(codeOf(() => (sim.faultCode = 256))).toBe('BRG_OPTION_INVALID');
  });

  it('answers a selective request with the echoed mask and only the selected fields', async () => {
    const mask = vescMaskOf('erpm', 'inputVoltageV', 'status');
    const reply = await setup({ controllerId: 7 }).ask(encodeGetValuesSelectiveRequest(mask));
    expect(reply).toEqual({
      kind: 'selectiveValues',
      mask,
      values: { erpm: 0, inputVoltageV: 52, status: 0 },
      extra: new Uint8Array(0),
    });
  });

  it('emulates firmware 3.40: 58-byte GET_VALUES, name and UUID only, selective requests ignored', async () => {
    const { ask, transport, sim } = setup({ firmware: { major: 3, minor: 40 } });
    const values = await ask(encodeGetValuesRequest());
    expect(transport.written[0]?.[1]).toBe(58);
    expect(values?.kind === 'values' && Object.keys(values.values).at(-1)).toBe('pidPosDeg');
    expect(await ask(encodeFwVersionRequest())).toEqual({
      kind: 'fwVersion',
      fw: { major: 3, minor: 40, hardwareName: '60', uuid: expect.any(Uint8Array), extra: new Uint8Array(0) },
    });
    expect(await ask(encodeGetValuesSelectiveRequest(0xff))).toBeUndefined();
    expect(sim.stats).toMatchObject({ requests: 3, replies: 2, ignoredUnknown: 1 });
  });

  it('emulates firmware 5.02: echoes a mask asking for the status byte, but does not know it', async () => {
    const mask = vescMaskOf('inputVoltageV', 'status');
    const { ask, transport } = setup({ firmware: { major: 5, minor: 2 } });
    expect(await ask(encodeGetValuesSelectiveRequest(mask))).toMatchObject({ mask, values: { inputVoltageV: 52 } });
    await ask(encodeGetValuesRequest());
    expect(transport.written[1]?.[1]).toBe(73);
  });

  it('stays silent while switched off, and answers again when switched on', async () => {
    const { sim, ask } = setup({ poweredOn: false });
    expect(await ask(encodeGetValuesRequest())).toBeUndefined();
    sim.poweredOn = true;
    expect(await ask(encodeGetValuesRequest())).toMatchObject({ kind: 'values' });
    expect(sim.stats).toMatchObject({ requests: 2, replies: 1, ignoredPoweredOff: 1 });
  });

  it('ignores commands it does not know', async () => {
    const { sim, ask } = setup();
    expect(await ask(hex('02 05 08 00 00 06 BB BE 3B 03'))).toBeUndefined();
    expect(sim.stats.ignoredUnknown).toBe(1);
  });

  it('puts line noise in front of its replies when asked to', async () => {
    const { transport, ask } = setup({ noise: (n) => (n % 2 === 0 ? hex('00 02 FF 03 55') : new Uint8Array(0)) });
    expect(await ask(encodeGetValuesRequest())).toMatchObject({ kind: 'values' });
    expect(transport.written[0]?.subarray(0, 5)).toEqual(hex('00 02 FF 03 55'));
    await ask(encodeGetValuesRequest());
    expect(transport.written[1]?.[0]).toBe(0x02);
  });

  it('never throws on garbage and still answers the request after it', async () => {
    const { transport, sim, ask } = setup();
    const random = prng(11);
    for (let round = 0; round < 1000; round++) {
      const chunk = Uint8Array.from({ length: Math.floor(random() * 50) }, () =>
        random() < 0.15 ? 0x02 : Math.floor(random() * 256),
      );
      expect(() => transport.inject(chunk)).not.toThrow();
    }
    const answers = [await ask(encodeGetValuesRequest()), await ask(encodeGetValuesRequest())];
    expect(answers.some((a) => a?.kind === 'values')).toBe(true);
    expect(sim.stats.discardEvents).toBeGreaterThan(0);
  });

  it('stops listening on stop()', async () => {
    const { transport, sim, ask } = setup();
    sim.stop();
    expect(transport.listeners).toBe(0);
    expect(await ask(encodeGetValuesRequest())).toBeUndefined();
  });

  it.each<[string, Partial<VescSimulatorOptions>]>([
    ['zero pole pairs', { motorPolePairs: 0 }],
    ['a negative wheel', { wheelCircumferenceM: -1 }],
    ['a 300 V battery', { batteryV: 300 }],
    ['a zero time scale', { timeScale: 0 }],
    ['fault code 0 for the fault scenario', { faultCode: 0 }],
    ['a hardware name with a character above 0xFF', { hardwareName: 'VESC—6' }],
    ['controller id 256', { controllerId: 256 }],
    ['firmware 2.18, whose GET_VALUES layout it does not emulate', { firmware: { major: 2, minor: 18 } }],
  ])('refuses %s with BRG_OPTION_INVALID', (_, options) => {
    const transport = new RecordingTransport();
    expect(codeOf(() => new VescSimulator({ transport, ...options }))).toBe('BRG_OPTION_INVALID');
  });
});

describe('RideModel.profile', () => {
  it('accelerates, cruises, brakes and stands, once a minute', () => {
    const speeds = [0, 4, 8, 20, 38, 41, 44, 50, 60].map((t) => RideModel.profile(t).speed * 3.6);
    expect(speeds.map((v) => Math.round(v))).toEqual([0, 9, 18, 18, 18, 9, 0, 0, 0]);
    expect(RideModel.profile(41).accel).toBeLessThan(0);
    expect(RideModel.profile(-1)).toEqual(RideModel.profile(59));
  });
});
