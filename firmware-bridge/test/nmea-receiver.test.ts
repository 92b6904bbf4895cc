import { describe, expect, it } from 'vitest';
import type { BridgeError } from '../src/errors.js';
import { BridgeErrorCode } from '../src/errors.js';
import type { GpsPositionSample } from '../src/nmea/quality.js';
import { NmeaReceiver, type NmeaReceiverOptions } from '../src/nmea/receiver.js';
import { NmeaSimulator, type NmeaSimulatorOptions } from '../src/nmea/simulator.js';
import type { NmeaSplitDiscard } from '../src/nmea/splitter.js';
import type { DeviceState } from '../src/samples.js';
import { ManualClock } from '../src/testing/manual-clock.js';
import { createMemoryPair } from '../src/transport/memory.js';
import { prng } from './support/prng.js';
import { RecordingTransport } from './support/recording-transport.js';
import { settle } from './support/settle.js';
import { bu353s4Reports } from './vectors/gpsd.js';
import { enc, streamVectors } from './vectors/nmea.js';

function listen(receiver: NmeaReceiver) {
  const seen = {
    samples: [] as GpsPositionSample[],
    states: [] as DeviceState[],
    errors: [] as BridgeError[],
    discards: [] as NmeaSplitDiscard[],
  };
  receiver.on('sample', (s) => seen.samples.push(s));
  receiver.on('state', (s) => seen.states.push(s));
  receiver.on('error', (e) => seen.errors.push(e));
  receiver.on('discard', (d) => seen.discards.push(d));
  return seen;
}

/** The receiver on a recording transport: the test injects bytes synchronously. */
function direct(options: Partial<NmeaReceiverOptions> = {}) {
  const clock = new ManualClock();
  const transport = new RecordingTransport();
  const receiver = new NmeaReceiver({ transport, clock, ...options });
  const seen = listen(receiver);
  receiver.start();
  return { clock, transport, receiver, seen };
}

/** The receiver and the simulator on a memory pair, moved by a manual clock. */
function simulated(simOptions: Partial<NmeaSimulatorOptions> = {}, options: Partial<NmeaReceiverOptions> = {}) {
  const clock = new ManualClock(Date.UTC(2025, 5, 12, 10, 15, 30));
  const [host, gps] = createMemoryPair();
  const receiver = new NmeaReceiver({ transport: host, clock, ...options });
  const sim = new NmeaSimulator({ transport: gps, clock, ...simOptions });
  const seen = listen(receiver);
  const run = async (ms: number, step = 250) => {
    await settle();
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await settle();
    }
  };
  receiver.start();
  return { clock, receiver, sim, seen, run };
}

const stream = (prefix: string) => enc(streamVectors.find((v) => v.name.startsWith(prefix))?.text ?? '');

describe('NmeaReceiver on real captures', () => {
  it('agrees with gpsd on every epoch of the BU-353-S4 log', () => {
    const { transport, seen, receiver } = direct();
    transport.inject(stream('SiRF IV'));
    expect(seen.samples).toHaveLength(10);
    expect(seen.errors).toEqual([]);
    expect(seen.discards).toEqual([]);
    expect(receiver.state).toBe('connected');
    const tpvs = bu353s4Reports.map((line) => JSON.parse(line)).filter((r) => r.class === 'TPV' && r.time);
    expect(tpvs).toHaveLength(10);
    const skies = bu353s4Reports.map((line) => JSON.parse(line)).filter((r) => r.class === 'SKY');
    for (const [i, tpv] of tpvs.entries()) {
      const sample = seen.samples[i];
      expect(sample?.gpsTime).toBe(Date.parse(tpv.time));
      expect(sample?.fix).toBe('3d');
      expect(tpv.mode).toBe(3);
      // gpsd prints 9 decimals of degrees and 3 of m/s.
      expect(sample?.lat).toBeCloseTo(tpv.lat, 8);
      expect(sample?.lon).toBeCloseTo(tpv.lon, 8);
      expect(((sample?.speedKmh ?? 0) / 3.6).toFixed(3)).toBe(tpv.speed.toFixed(3));
      expect(sample?.courseDeg).toBeCloseTo(tpv.track, 6);
      expect(sample?.altitudeM).toBeCloseTo(tpv.altMSL, 6);
      expect(sample?.hdop).toBe(skies[0].hdop);
      expect(sample?.satellites).toBe(skies[0].uSat);
      expect(sample?.quality).toBeUndefined();
    }
  });

  it('gives the same samples however the bytes are chunked', () => {
    const bytes = stream('u-blox NEO-M8N');
    const whole = direct();
    whole.transport.inject(bytes);
    const random = prng(2947);
    for (let round = 0; round < 20; round++) {
      const chunked = direct();
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(random() * 40);
        chunked.transport.inject(bytes.subarray(at, at + size));
        at += size;
      }
      expect(chunked.seen.samples).toEqual(whole.seen.samples);
    }
    expect(whole.seen.samples.map((s) => [s.fix, s.satellites, s.speedKmh])).toEqual([
      ['3d', 14, 0.216],
      ['3d', 14, 0.156],
    ]);
  });

  it('reports a cold start as fix none, no position, and an HDOP of 99.99 out of range', () => {
    const { transport, seen } = direct();
    transport.inject(stream('u-blox ANTARIS'));
    expect(seen.samples).toHaveLength(2);
    for (const sample of seen.samples) {
      expect(sample).toMatchObject({ fix: 'none', satellites: 0, hdop: 99.99, quality: { hdop: 'out-of-range' } });
      expect(sample).not.toHaveProperty('lat');
      expect(sample).not.toHaveProperty('gpsTime');
    }
  });

  it('takes the Telit’s CR CR LF and two talkers per type as one epoch', () => {
    const { transport, seen, clock } = direct();
    transport.inject(stream('Telit'));
    clock.advance(1500);
    expect(seen.samples).toHaveLength(1);
    expect(seen.samples[0]).toMatchObject({ fix: '2d', satellites: 14, hdop: 1.3, altitudeM: 250.8 });
    expect(seen.discards).toEqual([]);
  });
});

describe('NmeaReceiver link state and timing', () => {
  it('goes connecting → connected → asleep → connected, and says silent for a GPS never heard', async () => {
    const { clock, transport, seen, receiver } = direct();
    expect(receiver.state).toBe('connecting');
    transport.inject(stream('SiRF IV'));
    clock.advance(3000);
    expect(receiver.state).toBe('asleep');
    transport.inject(stream('SiRF IV'));
    expect(seen.states).toEqual(['connected', 'asleep', 'connected']);
    receiver.stop();
    expect(clock.pendingTimers).toBe(0);
    const quiet = direct();
    quiet.clock.advance(2999);
    expect(quiet.receiver.state).toBe('connecting');
    quiet.clock.advance(1);
    expect(quiet.seen.states).toEqual(['silent']);
    quiet.receiver.stop();
  });

  it('re-arms the silence timer lazily: a steady GPS never looks asleep', () => {
    const { clock, transport, receiver } = direct();
    const bytes = stream('SiRF IV');
    for (let t = 0; t < 20; t++) {
      transport.inject(bytes.subarray(0, 235));
      clock.advance(1000);
      expect(receiver.state).toBe('connected');
    }
    expect(clock.pendingTimers).toBeLessThanOrEqual(2);
  });

  it('emits an epoch nothing closed after epochTimeoutMs', () => {
    const { clock, transport, seen, receiver } = direct({ epochTimeoutMs: 800 });
    transport.inject(enc('$GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,1.1,59.9,M,23.7,M,,0000*7D\n'));
    clock.advance(799);
    expect(seen.samples).toEqual([]);
    clock.advance(1);
    expect(seen.samples).toHaveLength(1);
    expect(receiver.stats).toMatchObject({ epochs: 1, epochTimeouts: 1, samples: 1, sentences: 1 });
  });

  it('reports nonsense with a good checksum as BRG_FRAME_INVALID and a failing port as BRG_PORT_CLOSED', () => {
    const { transport, seen, receiver } = direct();
    transport.inject(enc('$GPGGA,250000.00,,,,,0*4F\r\n'));
    transport.fail(new Error('cable pulled'));
    expect(seen.errors.map((e) => e.code)).toEqual([BridgeErrorCode.FRAME_INVALID, BridgeErrorCode.PORT_CLOSED]);
    expect(receiver.stats.decodeErrors).toBe(1);
    expect(receiver.state).toBe('connecting');
  });

  it('stop() unsubscribes, drops the half epoch and can start again', () => {
    const { transport, seen, receiver, clock } = direct();
    transport.inject(enc('$GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,1.1,59.9,M,23.7,M,,0000*7D\n'));
    receiver.stop();
    expect(transport.listeners).toBe(0);
    clock.advance(10_000);
    expect(seen.samples).toEqual([]);
    receiver.start();
    transport.inject(stream('SiRF IV'));
    expect(seen.samples).toHaveLength(10);
    expect(seen.states).toEqual(['connected', 'stopped', 'connecting', 'connected']);
    receiver.stop();
  });

  it('refuses non-positive timeouts with BRG_OPTION_INVALID', () => {
    for (const bad of [{ silenceTimeoutMs: 0 }, { epochTimeoutMs: -5 }]) {
      expect(() => new NmeaReceiver({ transport: new RecordingTransport(), ...bad })).toThrowError(
        expect.objectContaining({ code: BridgeErrorCode.OPTION_INVALID }),
      );
    }
  });
});

describe('NmeaReceiver against the simulator', () => {
  it('rides at 14 km/h with one 3D sample a second, closing each epoch on its last GSA', async () => {
    const { sim, seen, run, receiver } = simulated();
    sim.start();
    await run(9_750);
    expect(seen.samples).toHaveLength(10);
    expect(receiver.stats.epochTimeouts).toBe(0);
    for (const sample of seen.samples) {
      expect(sample).toMatchObject({ source: 'nmea', fix: '3d', satellites: 12, hdop: 0.92 });
      expect(sample.speedKmh).toBeCloseTo(14, 2);
      expect(sample.quality).toBeUndefined();
    }
    // The first epoch ends when the second begins; from then on each closes on its own last GSA,
    // so its sample leaves as it arrives instead of a second later.
    expect(seen.samples.map((s) => s.at - (s.gpsTime ?? 0))).toEqual([1000, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    sim.stop();
    receiver.stop();
  });

  it('under a bridge: fix none, the last position repeated as stale, then the fix comes back without a jump', async () => {
    const { sim, seen, run, receiver } = simulated({}, { staleForMs: 20_000 });
    sim.start();
    await run(5_000);
    sim.scenario = 'bridge';
    await run(30_000);
    sim.scenario = 'ride';
    await run(3_000);
    const under = seen.samples.filter((s) => s.fix === 'none');
    expect(under.length).toBeGreaterThanOrEqual(29);
    const staleAges = under.filter((s) => s.quality?.lat === 'stale').map((s) => s.fixAgeMs);
    expect(staleAges[0]).toBe(1000);
    expect(staleAges.at(-1)).toBe(20_000);
    expect(under.at(-1)).not.toHaveProperty('lat');
    expect(under.every((s) => s.gpsTime === undefined && s.speedKmh === undefined)).toBe(true);
    const back = seen.samples.at(-1);
    expect(back).toMatchObject({ fix: '3d' });
    // 30 s at 14 km/h is 117 m: plausible, so not out-of-range.
    expect(back?.quality).toBeUndefined();
    sim.stop();
    receiver.stop();
  });

  it('flags a speed of 80 km/h as out of range, but not positions that move smoothly at that speed', async () => {
    const { sim, seen, run, receiver } = simulated({ speedKmh: 80 });
    sim.start();
    await run(3_000);
    expect(seen.samples.length).toBeGreaterThan(2);
    for (const sample of seen.samples) expect(sample.quality).toEqual({ speedKmh: 'out-of-range' });
    sim.stop();
    receiver.stop();
  });

  it('on a noisy line reports the damage as discards and still samples nearly every epoch', async () => {
    const { sim, seen, run, receiver } = simulated({ noisy: true, seed: 11, talker: 'GP' });
    sim.start();
    await run(59_750);
    expect(sim.stats.epochs).toBe(60);
    expect(seen.discards.length).toBeGreaterThan(10);
    expect(seen.errors).toEqual([]);
    expect(seen.samples.length).toBeGreaterThanOrEqual(55);
    expect(seen.samples.filter((s) => s.fix === '3d').length).toBeGreaterThanOrEqual(55);
    const stats = receiver.stats;
    expect(stats.frames).toBe(sim.stats.sentences - sim.stats.corruptedSentences);
    sim.stop();
    receiver.stop();
  });

  it('sees a cold start as no fix, then a fix once the receiver gets one', async () => {
    const { sim, seen, run, receiver } = simulated({ scenario: 'cold-start' });
    sim.start();
    await run(3_000);
    sim.scenario = 'ride';
    await run(2_000);
    expect(seen.samples.slice(0, 3).map((s) => s.fix)).toEqual(['none', 'none', 'none']);
    expect(seen.samples.at(-1)?.fix).toBe('3d');
    expect(seen.samples.at(-1)?.quality).toBeUndefined();
    expect(receiver.state).toBe('connected');
    sim.stop();
    receiver.stop();
  });
});
