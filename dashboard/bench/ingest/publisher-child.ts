import { performance } from 'node:perf_hooks';
import { encodeBatch, unitTopic } from '@triporteur/edge/contract';
import mqtt, { type MqttClient } from 'mqtt';
import { backlogBatches, newTrack, nextRecord, onlineState, type UnitTrack } from './fleet-gen.js';
import { LatencyTracker, slotAt } from './latency.js';
import type {
  BurstDone,
  BurstRequest,
  ChildReply,
  ChildRequest,
  ConnectRequest,
  PacedDone,
  PacedRequest,
} from './protocol.js';
import { SseParser, unitReading } from './sse.js';

/**
 * The simulated fleet, run by the bench as a child process (publishers.ts): one mqtt.js client per unit,
 * logged in with the unit's own account, connected as the edge connects (client id `<unit>-edge`,
 * persistent session, retained offline will, the edge's 330-s keep-alive), publishing QoS 1.
 */

interface Unit {
  track: UnitTrack;
  client: MqttClient;
  backlog: Buffer[];
}

const units: Unit[] = [];
let recordsPerBatch = 0;
const CONNECT_CONCURRENCY = 50;

const say = (line: string) => process.stderr.write(`  [publishers] ${line}\n`);
const reply = (message: ChildReply) => process.send?.(message);

function connectUnit(url: string, id: string, secret: string, track: UnitTrack): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const will = { v: 1, state: 'offline', bootId: track.bootId, ts: Date.now() };
    const client = mqtt.connect(url, {
      protocolVersion: 4,
      clientId: `${id}-edge`,
      username: id,
      password: secret,
      clean: false,
      keepalive: 330,
      reconnectPeriod: 0,
      connectTimeout: 30_000,
      will: { topic: unitTopic(id, 'state'), payload: Buffer.from(JSON.stringify(will)), qos: 1, retain: true },
    });
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(new Error(`unit ${id} could not connect: ${err.message}`));
    });
  });
}

async function connect(request: ConnectRequest): Promise<void> {
  const started = performance.now();
  recordsPerBatch = request.recordsPerBatch;
  const made = request.units.map((login, index) => {
    const track = newTrack(login.id, index, request.seed);
    const batches = backlogBatches(track, request.batchesPerUnit, request.recordsPerBatch, request.backlogEndTs);
    return { login, track, backlog: batches.map((b) => Buffer.from(encodeBatch(b))) };
  });
  let next = 0;
  const worker = async () => {
    while (next < made.length) {
      const item = made[next++];
      if (!item) break;
      const client = await connectUnit(request.url, item.login.id, item.login.secret, item.track);
      // Lost connections would silently skew the counts: the bench fails on any.
      client.on('close', () => {
        if (!closing) reply({ type: 'failed', message: `unit ${item.login.id} lost its broker connection` });
      });
      const state = JSON.stringify(onlineState(item.track, Date.now()));
      await client.publishAsync(unitTopic(item.login.id, 'state'), state, { qos: 1, retain: true });
      units.push({ track: item.track, client, backlog: item.backlog });
    }
  };
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
  const payloadBytes = units.reduce((n, u) => n + u.backlog.reduce((m, b) => m + b.byteLength, 0), 0);
  const messages = units.reduce((n, u) => n + u.backlog.length, 0);
  say(`${units.length} units connected in ${Math.round(performance.now() - started)} ms`);
  reply({
    type: 'connected',
    connectMs: Math.round(performance.now() - started),
    messagesPerBurst: messages,
    recordsPerBurst: messages * recordsPerBatch,
    payloadBytesPerBurst: payloadBytes,
  });
}

async function burst(request: BurstRequest): Promise<void> {
  const started = performance.now();
  const acks: Promise<unknown>[] = [];
  const batches = Math.max(0, ...units.map((u) => u.backlog.length));
  for (let round = 0; round < request.repeat; round++) {
    for (let k = 0; k < batches; k++) {
      for (const unit of units) {
        const payload = unit.backlog[k];
        if (payload)
          acks.push(unit.client.publishAsync(unitTopic(unit.track.unitId, 'telemetry'), payload, { qos: 1 }));
      }
    }
  }
  const publishMs = performance.now() - started;
  const settled = await Promise.allSettled(acks);
  const done: BurstDone = {
    type: 'burst-done',
    messages: acks.length,
    records: acks.length * recordsPerBatch,
    publishMs: Math.round(publishMs),
    pubackMs: Math.round(performance.now() - started),
    failed: settled.filter((s) => s.status === 'rejected').length,
  };
  reply(done);
}

/** Reads the live stream into the tracker until `stop` is called. */
async function readLive(request: PacedRequest, tracker: LatencyTracker, abort: AbortController): Promise<() => void> {
  const response = await fetch(request.liveUrl, {
    headers: { cookie: request.cookie, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  if (!response.ok || !response.body) throw new Error(`GET ${request.liveUrl} answered ${response.status}`);
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  let snapshot: () => void = () => {};
  const gotSnapshot = new Promise<void>((resolve) => {
    snapshot = resolve;
  });
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      const at = performance.now();
      for (const event of parser.push(decoder.decode(value, { stream: true }))) {
        if (event.event === 'snapshot') snapshot();
        if (event.event !== 'unit') continue;
        const reading = unitReading(event.data);
        if (reading) tracker.received(reading.unitId, reading.batteryTs, at);
      }
    }
  })();
  await gotSnapshot;
  return () => abort.abort();
}

async function paced(request: PacedRequest): Promise<void> {
  const tracker = new LatencyTracker();
  const stopReading = await readLive(request, tracker, new AbortController());
  const n = units.length;
  const totalMs = request.warmupMs + request.measureMs;
  const slots = Math.floor((totalMs * n) / request.periodMs);
  const start = performance.now();
  let slot = 0;
  let failed = 0;
  let maxLag = 0;
  await new Promise<void>((resolve) => {
    const fire = () => {
      const now = performance.now();
      for (; slot < slots; slot++) {
        const { unitIndex, atMs } = slotAt(slot, n, request.periodMs);
        if (start + atMs > now) break;
        const unit = units[unitIndex];
        if (!unit) continue;
        maxLag = Math.max(maxLag, now - (start + atMs));
        // Integer ms, the unit clock now: the live event shows it back as the battery reading's time.
        const record = nextRecord(unit.track, Date.now());
        const payload = Buffer.from(encodeBatch({ v: 2, bootId: unit.track.bootId, records: [record] }));
        tracker.published(unit.track.unitId, record.ts, performance.now(), atMs >= request.warmupMs);
        unit.client.publishAsync(unitTopic(unit.track.unitId, 'telemetry'), payload, { qos: 1 }).catch(() => {
          failed++;
        });
      }
      if (slot >= slots) return resolve();
      const due = start + slotAt(slot, n, request.periodMs).atMs;
      setTimeout(fire, Math.max(0, due - performance.now()));
    };
    fire();
  });
  const settleBy = performance.now() + request.settleMs;
  while (tracker.outstanding > 0 && performance.now() < settleBy) await new Promise((r) => setTimeout(r, 20));
  stopReading();
  const outcome = tracker.outcome();
  const done: PacedDone = { type: 'paced-done', ...outcome, failed, maxScheduleLagMs: Math.round(maxLag) };
  reply(done);
}

let closing = false;

async function close(): Promise<void> {
  closing = true;
  await Promise.all(units.map((u) => u.client.endAsync()));
  reply({ type: 'closed' });
}

process.on('message', (request: ChildRequest) => {
  const run = { connect, burst, paced, close }[request.type] as (r: ChildRequest) => Promise<void>;
  run(request).catch((err: unknown) => reply({ type: 'failed', message: (err as Error).message }));
});
