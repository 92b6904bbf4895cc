import { afterEach, describe, expect, it } from 'vitest';
import { type BridgeError, BridgeErrorCode } from '../src/errors.js';
import { GpsdClient, type GpsdClientOptions } from '../src/gpsd/client.js';
import type { GpsdMessage } from '../src/gpsd/protocol.js';
import type { GpsPositionSample } from '../src/nmea/quality.js';
import { NmeaReceiver } from '../src/nmea/receiver.js';
import type { DeviceState } from '../src/samples.js';
import { ManualClock } from '../src/testing/manual-clock.js';
import { TestGpsd, type TestGpsdOptions } from './support/gpsd-server.js';
import { RecordingTransport } from './support/recording-transport.js';
import { bu353s4Reports, DOC_ERROR, DOC_SKY, DOC_TPV, junkLines, NO_FIX_TPV } from './vectors/gpsd.js';
import { enc, streamVectors } from './vectors/nmea.js';

/** Resolves once `predicate` holds, polling every 10 ms (vitest's test timeout bounds it). */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('GpsdClient against a loopback gpsd', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  async function setup(options: Partial<GpsdClientOptions> = {}, server: TestGpsdOptions = {}) {
    const gpsd = await TestGpsd.start(server);
    cleanups.push(() => gpsd.close());
    const clock = new ManualClock();
    const client = new GpsdClient({ port: gpsd.port, clock, ...options });
    cleanups.push(() => client.stop());
    const seen = {
      samples: [] as GpsPositionSample[],
      states: [] as DeviceState[],
      errors: [] as BridgeError[],
      messages: [] as GpsdMessage[],
    };
    client.on('sample', (s) => seen.samples.push(s));
    client.on('state', (s) => seen.states.push(s));
    client.on('error', (e) => seen.errors.push(e));
    client.on('message', (m) => seen.messages.push(m));
    return { gpsd, clock, client, seen };
  }

  it('greets, watches with ?WATCH={"enable":true,"json":true}; and reads the banner', async () => {
    const { gpsd, client, seen } = await setup();
    client.start();
    await until(() => seen.messages.length >= 3);
    expect(gpsd.requests).toEqual(['?WATCH={"enable":true,"json":true}']);
    expect(seen.messages.map((m) => m.class)).toEqual(['VERSION', 'DEVICES', 'WATCH']);
    expect(client.state).toBe('connecting');
    expect(seen.errors).toEqual([]);
  });

  it('turns gpsd’s reports for the BU-353-S4 into the same samples as our NMEA receiver', async () => {
    const { gpsd, client, seen } = await setup();
    client.start();
    await until(() => gpsd.watchers === 1);
    gpsd.report(...bu353s4Reports);
    await until(() => seen.samples.length === 12);
    expect(client.state).toBe('connected');
    expect(seen.errors).toEqual([]);

    const fromNmea: GpsPositionSample[] = [];
    const transport = new RecordingTransport();
    const receiver = new NmeaReceiver({ transport, clock: new ManualClock() });
    receiver.on('sample', (s) => fromNmea.push(s));
    receiver.start();
    transport.inject(enc(streamVectors[0]?.text ?? ''));
    expect(fromNmea).toHaveLength(10);

    const timed = seen.samples.filter((s) => s.gpsTime !== undefined);
    expect(timed.map((s) => s.gpsTime)).toEqual(fromNmea.map((s) => s.gpsTime));
    for (const [i, viaGpsd] of timed.entries()) {
      const direct = fromNmea[i];
      expect(viaGpsd).toMatchObject({
        source: 'gpsd',
        fix: direct?.fix,
        satellites: direct?.satellites,
        hdop: direct?.hdop,
      });
      expect(viaGpsd.lat).toBeCloseTo(direct?.lat ?? 0, 8);
      expect(viaGpsd.lon).toBeCloseTo(direct?.lon ?? 0, 8);
      expect(viaGpsd.altitudeM).toBeCloseTo(direct?.altitudeM ?? 0, 6);
      expect(viaGpsd.courseDeg).toBeCloseTo(direct?.courseDeg ?? 0, 6);
      // gpsd rounds speed to the mm/s.
      expect(Math.abs((viaGpsd.speedKmh ?? 0) - (direct?.speedKmh ?? 0))).toBeLessThan(0.0019);
    }
  });

  it('reports junk as BRG_GPSD_PROTOCOL, one error per line, and keeps going', async () => {
    const { gpsd, client, seen } = await setup();
    client.start();
    await until(() => gpsd.watchers === 1);
    gpsd.report(...junkLines.map((j) => j.line), DOC_ERROR, DOC_SKY, DOC_TPV);
    await until(() => seen.samples.length === 1);
    expect(seen.errors.map((e) => e.code)).toEqual(
      Array.from({ length: junkLines.length + 1 }, () => BridgeErrorCode.GPSD_PROTOCOL),
    );
    expect(client.stats).toMatchObject({ junkLines: junkLines.length, reports: 1, samples: 1, connectAttempts: 1 });
    expect(seen.samples[0]).toMatchObject({ fix: '3d', satellites: 5, hdop: 1.24, altitudeM: 1343.127 });
  });

  it('reports a fix lost as no fix with the last position stale', async () => {
    const { gpsd, client, seen, clock } = await setup();
    client.start();
    await until(() => gpsd.watchers === 1);
    gpsd.report(DOC_TPV);
    await until(() => seen.samples.length === 1);
    clock.advance(2000);
    gpsd.report(NO_FIX_TPV);
    await until(() => seen.samples.length === 2);
    expect(seen.samples[1]).toMatchObject({
      fix: 'none',
      lat: 46.498293369,
      fixAgeMs: 2000,
      quality: { lat: 'stale', lon: 'stale' },
    });
  });

  it('ignores the reports of other devices when watching one', async () => {
    const { gpsd, client, seen } = await setup({ device: '/dev/ttyACM0' });
    client.start();
    await until(() => gpsd.watchers === 1);
    expect(gpsd.requests).toEqual(['?WATCH={"enable":true,"json":true,"device":"/dev/ttyACM0"}']);
    gpsd.report(DOC_TPV, DOC_TPV.replace('/dev/pts/1', '/dev/ttyACM0'));
    await until(() => seen.samples.length === 1);
    expect(client.stats.reports).toBe(1);
  });

  it('reconnects with exponential backoff on the injected clock after gpsd hangs up', async () => {
    const { gpsd, client, seen, clock } = await setup({ reconnectMinMs: 1000, reconnectMaxMs: 4000 });
    client.start();
    await until(() => gpsd.watchers === 1);
    gpsd.dropClients();
    await until(() => seen.errors.length === 1);
    expect(seen.errors[0]?.code).toBe(BridgeErrorCode.GPSD_PROTOCOL);
    clock.advance(999);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(gpsd.accepted).toBe(1);
    clock.advance(1);
    await until(() => gpsd.watchers === 1);
    expect(gpsd.accepted).toBe(2);
    // A greeting resets the backoff: the next hang-up waits 1 s again.
    gpsd.dropClients();
    await until(() => seen.errors.length === 2);
    clock.advance(1000);
    await until(() => gpsd.accepted === 3);
    expect(client.stats).toMatchObject({ connectAttempts: 3, disconnects: 2, connectFailures: 0 });
  });

  it('backs off 1, 2, 4, 4 s while gpsd is not running, then connects when it is back', async () => {
    const { gpsd, client, clock, seen } = await setup({ reconnectMinMs: 1000, reconnectMaxMs: 4000 });
    const port = gpsd.port;
    await gpsd.close();
    client.start();
    /** Moves the clock, then waits until every attempt made so far has been refused. */
    const attemptsAfter = async (ms: number) => {
      clock.advance(ms);
      await until(() => client.stats.connectFailures === client.stats.connectAttempts);
      return client.stats.connectAttempts;
    };
    await until(() => client.stats.connectFailures === 1);
    expect(client.lastConnectError).toMatchObject({ code: 'ECONNREFUSED' });
    expect(await attemptsAfter(999)).toBe(1);
    expect(await attemptsAfter(1)).toBe(2);
    expect(await attemptsAfter(1999)).toBe(2);
    expect(await attemptsAfter(1)).toBe(3);
    expect(await attemptsAfter(4000)).toBe(4);
    expect(await attemptsAfter(4000)).toBe(5);
    expect(seen.errors).toEqual([]);
    expect(client.state).toBe('silent');
    // gpsd comes back where it was.
    const revived = await TestGpsd.start({ port });
    cleanups.push(() => revived.close());
    clock.advance(4000);
    await until(() => revived.watchers === 1);
    expect(client.stats).toMatchObject({ connectAttempts: 6, connectFailures: 5 });
    await client.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('hangs up on a peer that never greets, and on one that speaks something else', async () => {
    const silent = await setup({ handshakeTimeoutMs: 500 }, { banner: null });
    silent.client.start();
    await until(() => silent.gpsd.clients === 1);
    silent.clock.advance(500);
    await until(() => silent.client.stats.connectFailures === 1);
    expect(silent.seen.errors.map((e) => e.code)).toEqual([BridgeErrorCode.GPSD_PROTOCOL]);

    const http = await setup({}, { banner: 'HTTP/1.1 400 Bad Request' });
    http.client.start();
    await until(() => http.client.stats.connectFailures === 1);
    expect(http.seen.errors.map((e) => e.code)).toEqual([BridgeErrorCode.GPSD_PROTOCOL]);
    expect(http.seen.messages).toEqual([]);
  });

  it('refuses an endless line instead of buffering it', async () => {
    const { gpsd, client, seen } = await setup();
    client.start();
    await until(() => gpsd.watchers === 1);
    gpsd.raw(`{"class":"TPV","mode":3,"junk":"${'x'.repeat(20_000)}`);
    await until(() => seen.errors.length === 1);
    gpsd.raw(`"}\r\n${DOC_TPV}\r\n`);
    await until(() => seen.samples.length === 1);
    expect(seen.errors.map((e) => e.code)).toEqual([BridgeErrorCode.GPSD_PROTOCOL, BridgeErrorCode.GPSD_PROTOCOL]);
  });

  it('goes asleep when reports stop, silent when none ever came, and stops cleanly', async () => {
    const { gpsd, client, seen, clock } = await setup({ silenceTimeoutMs: 5000 });
    client.start();
    await until(() => gpsd.watchers === 1);
    gpsd.report(DOC_TPV);
    await until(() => seen.samples.length === 1);
    clock.advance(5000);
    expect(client.state).toBe('asleep');
    gpsd.report(DOC_TPV);
    await until(() => client.state === 'connected');
    await client.stop();
    await until(() => gpsd.clients === 0);
    expect(clock.pendingTimers).toBe(0);
    expect(seen.states).toEqual(['connected', 'asleep', 'connected', 'stopped']);

    const never = await setup({ silenceTimeoutMs: 5000 });
    never.client.start();
    await until(() => never.gpsd.watchers === 1);
    never.clock.advance(5000);
    expect(never.seen.states).toEqual(['silent']);
  });

  it('refuses bad options with BRG_OPTION_INVALID', () => {
    for (const bad of [{ port: 0 }, { port: 70_000 }, { reconnectMinMs: 0 }, { handshakeTimeoutMs: Number.NaN }]) {
      expect(() => new GpsdClient(bad)).toThrowError(expect.objectContaining({ code: BridgeErrorCode.OPTION_INVALID }));
    }
  });
});
