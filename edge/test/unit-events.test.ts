import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type EventPayload, EventPayloadSchema } from '../src/contract/events.js';
import { unitTopic } from '../src/contract/topics.js';
import { isEdgeError } from '../src/errors.js';
import { UnitEvents } from '../src/events/unit-events.js';
import { startTestBroker, type TestBroker } from './support/aedes-broker.js';
import { until } from './support/until.js';

// The unit's event channel over a real broker (aedes) and a real SQLite journal on disk.

const UNIT = 'tri-test-01';
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const quiet = pino({ level: 'silent' });
const journalPath = () => join(mkdtempSync(join(tmpdir(), 'edge-events-')), 'events.db');

interface Rig {
  broker: TestBroker;
  received: EventPayload[];
  unit: MqttClient;
}

async function rig(): Promise<Rig> {
  const broker = await startTestBroker({ [UNIT]: 'unit-secret', observer: 'observer-secret' });
  cleanups.push(() => broker.close());
  const observer = await mqtt.connectAsync(broker.url, { username: 'observer', password: 'observer-secret' });
  cleanups.push(() => observer.endAsync(true));
  const received: EventPayload[] = [];
  observer.on('message', (_topic, payload) => received.push(JSON.parse(payload.toString()) as EventPayload));
  await observer.subscribeAsync(unitTopic(UNIT, 'events'), { qos: 1 });
  const unit = await mqtt.connectAsync(broker.url, { username: UNIT, password: 'unit-secret' });
  cleanups.push(() => unit.endAsync(true));
  return { broker, received, unit };
}

function events(
  r: Rig,
  options: { bootId?: string; path?: string; online?: () => boolean; publish?: (p: string) => Promise<void> } = {},
) {
  let now = Date.UTC(2026, 10, 23, 9, 0);
  const unitEvents = new UnitEvents({
    bootId: options.bootId ?? 'boot-aaaaaaaa',
    path: options.path ?? journalPath(),
    clock: { now: () => now },
    logger: quiet,
    online: options.online ?? (() => true),
    publish:
      options.publish ??
      ((payload) => r.unit.publishAsync(unitTopic(UNIT, 'events'), payload, { qos: 1 }).then(() => {})),
  });
  unitEvents.open();
  cleanups.push(() => unitEvents.close());
  return { unitEvents, advance: (ms: number) => (now += ms) };
}

describe('unit events', () => {
  it('sends a start and an end as the contract says, each once, and empties the journal', async () => {
    const r = await rig();
    const { unitEvents, advance } = events(r);
    expect(unitEvents.raise({ kind: 'portal-full', active: true, severity: 'warning', data: { capacity: 8 } })).toBe(
      true,
    );
    // Reported again while it lasts: no new event.
    expect(unitEvents.raise({ kind: 'portal-full', active: true, severity: 'warning', data: { capacity: 8 } })).toBe(
      false,
    );
    advance(60_000);
    unitEvents.raise({ kind: 'portal-full', active: false, severity: 'warning', data: { capacity: 8, refused: 3 } });
    await until(() => r.received.length === 2, 'two events');
    await unitEvents.flush();
    expect(r.received.map((e) => [e.seq, e.active])).toEqual([
      [0, true],
      [1, false],
    ]);
    for (const event of r.received) expect(Value.Check(EventPayloadSchema, event)).toBe(true);
    expect(r.received[1]?.ts).toBe((r.received[0]?.ts ?? 0) + 60_000);
    expect(unitEvents.pending).toBe(0);
  });

  it('keeps conditions of one kind apart by key', async () => {
    const r = await rig();
    const { unitEvents } = events(r);
    unitEvents.raise({ kind: 'over-temperature', key: 'mosfet', active: true, severity: 'critical' });
    unitEvents.raise({ kind: 'over-temperature', key: 'cells', active: true, severity: 'critical' });
    await until(() => r.received.length === 2, 'one event per key');
  });

  it('holds events while offline and sends them in order once the link is back', async () => {
    const r = await rig();
    let online = false;
    const { unitEvents } = events(r, { online: () => online });
    unitEvents.raise({ kind: 'uplink-down', active: true, severity: 'warning', data: { cause: 'no-signal' } });
    unitEvents.raise({ kind: 'portal-full', active: true, severity: 'warning' });
    await unitEvents.flush();
    expect(unitEvents.pending).toBe(2);
    expect(r.received).toEqual([]);
    online = true;
    await unitEvents.flush();
    await until(() => r.received.length === 2, 'the held events');
    expect(r.received.map((e) => e.kind)).toEqual(['uplink-down', 'portal-full']);
    expect(unitEvents.pending).toBe(0);
  });

  it('keeps an event the broker did not acknowledge, and sends it at the next try', async () => {
    const r = await rig();
    let fail = true;
    const { unitEvents } = events(r, {
      publish: (payload) =>
        fail
          ? Promise.reject(new Error('connection lost'))
          : r.unit.publishAsync(unitTopic(UNIT, 'events'), payload, { qos: 1 }).then(() => {}),
    });
    unitEvents.raise({ kind: 'motor-fault', active: true, severity: 'critical', data: { faultCode: 3 } });
    await unitEvents.flush();
    expect(unitEvents.pending).toBe(1);
    fail = false;
    await unitEvents.flush();
    await until(() => r.received.length === 1, 'the retried event');
    expect(r.received[0]?.data).toEqual({ faultCode: 3 });
    expect(unitEvents.pending).toBe(0);
  });

  it('sends what a previous boot journaled but never sent (a power cut), under that boot’s id', async () => {
    const r = await rig();
    const path = journalPath();
    const first = events(r, { path, bootId: 'boot-first-1', online: () => false }).unitEvents;
    first.raise({ kind: 'low-battery', active: true, severity: 'warning', data: { socPct: 9 } });
    // The process dies here: nothing but the journal file survives.
    first.close();
    const second = events(r, { path, bootId: 'boot-second-2' }).unitEvents;
    expect(second.pending).toBe(1);
    second.raise({ kind: 'state-change', active: true, severity: 'info' });
    await until(() => r.received.length === 2, 'both boots’ events');
    expect(r.received.map((e) => [e.bootId, e.seq])).toEqual([
      ['boot-first-1', 0],
      ['boot-second-2', 0],
    ]);
  });

  it('refuses an event off the contract with EDG_EVENT_INVALID, and journals nothing', async () => {
    const r = await rig();
    const { unitEvents } = events(r, { online: () => false });
    let caught: unknown;
    try {
      unitEvents.raise({ kind: 'portal-full', active: true, severity: 'warning', data: { detail: 'x'.repeat(121) } });
    } catch (err) {
      caught = err;
    }
    expect(isEdgeError(caught) && caught.code).toBe('EDG_EVENT_INVALID');
    expect(unitEvents.pending).toBe(0);
    // The latch did not move: the same condition raised properly is still news.
    expect(unitEvents.raise({ kind: 'portal-full', active: true, severity: 'warning' })).toBe(true);
  });

  it('runs on when the journal cannot open at start (a full disk), and opens it at the next event', async () => {
    const r = await rig();
    const parent = mkdtempSync(join(tmpdir(), 'edge-events-'));
    const path = join(parent, 'later', 'events.db');
    // Opens inside; the directory is not there yet, as no space would be.
    const { unitEvents } = events(r, { path });
    expect(unitEvents.pending).toBe(0);
    expect(unitEvents.raise({ kind: 'portal-full', active: true, severity: 'warning' })).toBe(false);
    mkdirSync(join(parent, 'later'));
    expect(unitEvents.raise({ kind: 'portal-full', active: true, severity: 'warning' })).toBe(true);
    await until(() => r.received.length === 1, 'the event once the journal opened');
  });

  it('refuses events before the journal is open or after it is closed', async () => {
    const r = await rig();
    const { unitEvents } = events(r);
    unitEvents.close();
    expect(unitEvents.raise({ kind: 'portal-full', active: true, severity: 'warning' })).toBe(false);
  });
});

describe('events contract', () => {
  it('refuses data keys outside the pattern, which a dashboard would otherwise store as given', () => {
    const event = {
      v: 1,
      bootId: 'boot-aaaaaaaa',
      seq: 0,
      ts: 0,
      kind: 'portal-full',
      active: true,
      severity: 'warning',
    };
    expect(Value.Check(EventPayloadSchema, { ...event, data: { capacity: 8 } })).toBe(true);
    expect(Value.Check(EventPayloadSchema, { ...event, data: { 'not a key': 1 } })).toBe(false);
  });
});
