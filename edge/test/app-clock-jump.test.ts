import { systemClock } from '@triporteur/firmware-bridge';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type EdgeApp } from '../src/app.js';
import { decodeBatch } from '../src/contract/encoding.js';
import { applyRecord, type ReconstructedState, type TelemetryRecordV2 } from '../src/contract/records.js';
import { unitTopic } from '../src/contract/topics.js';
import { startTestBroker, type TestBroker } from './support/aedes-broker.js';
import { recordingHost, startBmsRig, testConfig } from './support/rig.js';
import { until } from './support/until.js';

/**
 * The Pi has no real-time clock: it boots on a saved or default time and GPS (or NTP) later sets the
 * real one, hours or days away, forward or back. Ordering rests on (bootId, seq), never on ts.
 */

const UNIT = 'tri-test-01';
const DAY_MS = 86_400_000;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: { brokerUp: boolean }) {
  const rig = await startBmsRig();
  cleanups.push(() => rig.close());
  let broker: TestBroker = await startTestBroker({ [UNIT]: 'unit-secret', observer: 'observer-secret' });
  const port = broker.port;
  if (!options.brokerUp) await broker.close();
  else cleanups.push(() => broker.close());
  const records: TelemetryRecordV2[] = [];
  const watch = async () => {
    const client = await mqtt.connectAsync(broker.url, {
      username: 'observer',
      password: 'observer-secret',
      protocolVersion: 4,
    });
    cleanups.push(() => client.endAsync(true));
    client.on('message', (_topic, payload) => {
      const decoded = decodeBatch(payload);
      if (!decoded.ok || decoded.value.v !== 2) throw new Error('bad telemetry batch');
      records.push(...decoded.value.records);
    });
    await client.subscribeAsync(unitTopic(UNIT, 'telemetry'), { qos: 1 });
  };
  if (options.brokerUp) await watch();
  const clock = { offset: 0 };
  const host = recordingHost();
  host.clock = { ...systemClock, now: () => Date.now() + clock.offset };
  const app: EdgeApp = buildApp(host, testConfig({ bmsPath: rig.pty.b, url: `mqtt://127.0.0.1:${port}` }));
  cleanups.push(() => app.stop());
  await app.start();
  const bringBrokerUp = async () => {
    broker = await startTestBroker({ [UNIT]: 'unit-secret', observer: 'observer-secret' }, port);
    cleanups.push(() => broker.close());
    await watch();
  };
  return { app, records, clock, bringBrokerUp };
}

const fold = (records: TelemetryRecordV2[]) =>
  records.reduce<ReconstructedState>((state, record) => applyRecord(state, record), {});

describe('a clock jump on a Pi without RTC', () => {
  it('keeps every record, in seq order, through a jump back two days and forward a year', async () => {
    const { app, records, clock } = await setup({ brokerUp: true });
    await until(() => records.length >= 3, 'records before the jumps');

    clock.offset = -2 * DAY_MS;
    const beforeBack = records.length;
    await until(() => records.length >= beforeBack + 3, 'records after the jump back');
    clock.offset = 365 * DAY_MS;
    const beforeForward = records.length;
    await until(() => records.length >= beforeForward + 3, 'records after the jump forward');
    await app.stop();

    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i));
    const back = records.findIndex((r, i) => i > 0 && r.ts < (records[i - 1]?.ts ?? 0) - DAY_MS);
    expect(back).toBeGreaterThan(0);
    // A record stamped before the last full one: the engine resends its kinds in full rather than
    // leave the dashboard waiting a "heartbeat" that, by this clock, is two days away.
    expect(records[back]?.battery).toMatchObject({ full: true });
    expect(records.some((r) => r.ts > Date.now() + 300 * DAY_MS)).toBe(true);
    const state = fold(records);
    expect(state.battery?.complete).toBe(true);
    expect(state.battery?.values.voltageV).toBeGreaterThan(40);
  });

  it('does not age out records the outbox holds when the clock jumps a year forward', async () => {
    const { app, records, clock, bringBrokerUp } = await setup({ brokerUp: false });
    await until(() => app.status().pendingRecords >= 3, 'records held while the broker is down');
    // outbox.maxAgeMs is 48 h: by the new clock every held record is a year old, but it is seconds old.
    clock.offset = 365 * DAY_MS;
    const held = app.status().pendingRecords;
    await until(() => app.status().telemetry.recorded >= held + 2, 'records after the jump');
    await bringBrokerUp();
    await until(() => app.status().pendingRecords === 0 && records.length > held, 'the backlog delivered');

    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i));
    expect(records[0]?.historical).toBe(true);
  });
});
