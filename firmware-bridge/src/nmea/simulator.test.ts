import { describe, expect, it } from 'vitest';
import { RecordingTransport } from '../../test/support/recording-transport.js';
import { dec } from '../../test/vectors/nmea.js';
import { BridgeErrorCode } from '../errors.js';
import { runScenario } from '../simulation/scenario.js';
import { ManualClock } from '../testing/manual-clock.js';
import { decodeSentence } from './codec.js';
import { distanceM } from './quality.js';
import { Route, VAULX_EN_VELIN_LOOP } from './route.js';
import { nmeaScenarios } from './scenarios.js';
import type { NmeaSentence } from './sentences.js';
import { NmeaSimulator, type NmeaSimulatorOptions } from './simulator.js';
import { NmeaSplitter } from './splitter.js';

const START = Date.UTC(2025, 5, 12, 10, 15, 30);

function setup(options: Partial<NmeaSimulatorOptions> = {}) {
  const clock = new ManualClock(START);
  const transport = new RecordingTransport();
  const sim = new NmeaSimulator({ transport, clock, ...options });
  const splitter = new NmeaSplitter();
  /** Sentences of each write so far (one write per epoch). */
  const epochs = (): NmeaSentence[][] =>
    transport.written.map((bytes) =>
      new NmeaSplitter().push(bytes).flatMap((r) => (r.type === 'frame' ? [decodeSentence(r.frame)] : [])),
    );
  return { clock, transport, sim, splitter, epochs };
}

describe('NmeaSimulator', () => {
  it('sends RMC, VTG, GGA and one GSA per system at 1 Hz with the clock’s UTC time and date', () => {
    const { sim, clock, epochs, transport } = setup();
    sim.start();
    clock.advance(2000);
    expect(transport.written).toHaveLength(3);
    const [first] = epochs();
    expect(first?.map((s) => `${s.talker}${s.type}`)).toEqual(['GNRMC', 'GNVTG', 'GNGGA', 'GNGSA', 'GNGSA']);
    expect(first?.[0]).toMatchObject({
      status: 'A',
      timeMs: ((10 * 60 + 15) * 60 + 30) * 1000,
      date: { year: 2025, month: 6, day: 12 },
    });
    expect(first?.[2]).toMatchObject({ quality: 1, satellites: 12, hdop: 0.92, altitudeM: 171.8 });
    expect(first?.slice(3).map((s) => (s.type === 'GSA' ? s.systemId : -1))).toEqual([1, 3]);
    expect(dec(transport.written[0] ?? new Uint8Array(0))).toMatch(/^\$GNRMC,101530\.00,A,4546\.7160,N,00455\.3020,E,/);
    sim.stop();
    clock.advance(5000);
    expect(transport.written).toHaveLength(3);
  });

  it('rides the Vaulx-en-Velin loop at the set speed', () => {
    const { sim, clock, epochs } = setup({ speedKmh: 18 });
    sim.start();
    clock.advance(10_000);
    const ggas = epochs().map((e) => e.find((s) => s.type === 'GGA'));
    const first = ggas[0];
    const last = ggas.at(-1);
    if (first?.type !== 'GGA' || last?.type !== 'GGA') throw new Error('no GGA');
    // 18 km/h for 10 s is 50 m along the first, straight, segment.
    expect(distanceM(first as { lat: number; lon: number }, last as { lat: number; lon: number })).toBeCloseTo(50, 0);
    expect(sim.truth().travelledM).toBeCloseTo(50, 6);
    const vtg = epochs()[1]?.find((s) => s.type === 'VTG');
    expect(vtg).toMatchObject({ speedKmh: 18, courseTrueDeg: expect.closeTo(188.7, 0) });
  });

  it('parks with a metre or two of jitter and a crawling speed', () => {
    const { sim, clock, epochs } = setup({ scenario: 'park' });
    sim.start();
    clock.advance(30_000);
    const origin = VAULX_EN_VELIN_LOOP[0] ?? { lat: 0, lon: 0 };
    for (const epoch of epochs()) {
      const gga = epoch.find((s) => s.type === 'GGA');
      const vtg = epoch.find((s) => s.type === 'VTG');
      expect(distanceM(origin, gga as { lat: number; lon: number })).toBeLessThan(2.2);
      expect(vtg?.type === 'VTG' && (vtg.speedKmh ?? 99)).toBeLessThan(0.41);
    }
    expect(sim.truth().travelledM).toBe(0);
  });

  it('cold-starts like a real u-blox: no time, no position, GP RMC byte for byte as gpsd’s bt451.log', () => {
    const { sim, transport, epochs } = setup({ scenario: 'cold-start', talker: 'GP' });
    sim.start();
    expect(
      dec(transport.written[0] ?? new Uint8Array(0))
        .split('\r\n')
        .slice(0, 3),
    ).toEqual(['$GPRMC,,V,,,,,,,,,,N*53', '$GPVTG,,T,,M,,N,,K,N*2C', '$GPGGA,,,,,,0,00,99.99,,,,,,*48']);
    expect(epochs()[0]?.map((s) => `${s.talker}${s.type}`)).toEqual(['GPRMC', 'GPVTG', 'GPGGA', 'GPGSA']);
  });

  it('under a bridge keeps time and date but has no fix, and keeps moving', () => {
    const { sim, clock, epochs } = setup({ scenario: 'bridge' });
    sim.start();
    clock.advance(4000);
    const [rmc, , gga, gsa] = epochs().at(-1) ?? [];
    expect(rmc).toMatchObject({ status: 'V', timeMs: ((10 * 60 + 15) * 60 + 34) * 1000, lat: undefined });
    expect(gga).toMatchObject({ quality: 0, satellites: 2 });
    expect(gsa).toMatchObject({ fixType: 1 });
    expect(sim.truth().travelledM).toBeGreaterThan(15);
  });

  it('switches scenario at runtime', () => {
    const { sim, clock, epochs } = setup();
    sim.start();
    sim.scenario = 'cold-start';
    clock.advance(1000);
    expect(epochs()[1]?.[0]).toEqual({ type: 'RMC', talker: 'GN', status: 'V', mode: 'N' });
  });

  it('on a noisy line adds garbage and bad checksums the splitter throws away, and nothing else', () => {
    const { sim, clock, transport } = setup({ noisy: true, seed: 7 });
    sim.start();
    clock.advance(59_000);
    const splitter = new NmeaSplitter();
    const results = transport.written.flatMap((bytes) => splitter.push(bytes));
    const frames = results.filter((r) => r.type === 'frame');
    const stats = sim.stats;
    expect(stats.epochs).toBe(60);
    expect(stats.garbageBytes).toBeGreaterThan(100);
    expect(stats.corruptedSentences).toBeGreaterThan(3);
    expect(frames.length).toBe(stats.sentences - stats.corruptedSentences);
    expect(results.some((r) => r.type === 'discarded' && r.reason === 'bad-checksum')).toBe(true);
    for (const frame of frames) expect(() => decodeSentence(frame.frame)).not.toThrow();
  });

  it('counts failed writes instead of throwing', async () => {
    const { sim, transport } = setup();
    await transport.close();
    sim.start();
    await Promise.resolve();
    await Promise.resolve();
    expect(sim.stats.writeErrors).toBe(1);
    sim.stop();
  });

  it('refuses impossible options with BRG_OPTION_INVALID', () => {
    for (const bad of [{ speedKmh: -1 }, { intervalMs: 0 }, { route: [{ lat: 0, lon: 0 }] }]) {
      let code: string | undefined;
      try {
        setup(bad);
      } catch (err) {
        code = (err as { code?: string }).code;
      }
      expect(code).toBe(BridgeErrorCode.OPTION_INVALID);
    }
  });
});

describe('nmeaScenarios', () => {
  it('plays ride, bridge, ride on the clock, and a cold start until the first fix', async () => {
    const { sim, clock, epochs } = setup();
    sim.start();
    const story = runScenario(nmeaScenarios.underBridge(sim, 3000, 5000), clock);
    clock.advance(10_000);
    await story.done;
    expect(story.applied).toEqual(['ride', 'under the bridge', 'out from under']);
    const status = epochs().map((e) => (e[0]?.type === 'RMC' ? e[0].status : '?'));
    expect(status.join('')).toBe('AAAVVVVVAAA');

    const cold = setup({ talker: 'GP' });
    const boot = runScenario(
      [...nmeaScenarios.coldStart(cold.sim, 2000), ...nmeaScenarios.noisy(cold.sim, 3000)],
      cold.clock,
    );
    cold.clock.advance(0);
    cold.sim.start();
    cold.clock.advance(4000);
    await boot.done;
    expect(
      cold
        .epochs()
        .map((e) => (e[0]?.type === 'RMC' ? e[0].status : '?'))
        .join(''),
    ).toBe('VVAAA');
    expect(cold.sim.noisy).toBe(false);
    runScenario([...nmeaScenarios.park(cold.sim), ...nmeaScenarios.ride(cold.sim, 20)], cold.clock);
    cold.clock.advance(0);
    expect(cold.sim).toMatchObject({ scenario: 'ride', speedKmh: 20 });
  });
});

describe('Route', () => {
  it('walks a closed loop by distance and wraps around', () => {
    const route = new Route(VAULX_EN_VELIN_LOOP);
    expect(route.lengthM).toBeGreaterThan(3500);
    expect(route.lengthM).toBeLessThan(5000);
    expect(route.at(0)).toMatchObject(VAULX_EN_VELIN_LOOP[0] ?? {});
    const wrapped = route.at(route.lengthM + 10);
    const start = route.at(10);
    expect(wrapped.lat).toBeCloseTo(start.lat, 9);
    expect(route.at(-10).lat).toBeCloseTo(route.at(route.lengthM - 10).lat, 9);
  });
});
