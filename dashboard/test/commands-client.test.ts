import { EdgeErrorCode, type SimulatedTricycle, startSimulatedTricycle } from '@triporteur/edge';
import { type CommandRequest, cmdFilter, replyTopic } from '@triporteur/edge/contract';
import type { MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startEmbeddedBroker } from '../src/broker/embedded.js';
import type { CommandClient, CommandClientOptions, UnitPresence } from '../src/commands/command-client.js';
import { type CommandConnection, openCommandConnection } from '../src/commands/connect.js';
import { CommandErrorCode } from '../src/commands/errors.js';
import { connectUnit, UNITS, unitAccounts, waitFor } from './helpers.js';

const [A, B] = UNITS;
const quiet = pino({ level: 'silent' });

interface Received {
  name: string;
  request: CommandRequest;
}
type Answer = (name: string, request: CommandRequest, reply: (body: unknown) => Promise<void>) => void;

/** A unit that records every command it gets and answers only as the test scripts it. */
async function scriptedUnit(url: string, unit: (typeof UNITS)[number], answer: Answer = () => {}) {
  const client = await connectUnit(url, unit.id, unit.secret, { clientId: `${unit.id}-script` });
  const received: Received[] = [];
  client.on('message', (topic, payload) => {
    const name = topic.split('/')[4] ?? '';
    const request = JSON.parse(payload.toString('utf8')) as CommandRequest;
    received.push({ name, request });
    answer(name, request, async (body) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      await client.publishAsync(replyTopic(unit.id, name), text, { qos: 1 });
    });
  });
  await client.subscribeAsync(cmdFilter(unit.id), { qos: 1 });
  return { client, received };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (err: { code?: string }) => err.code,
  );

describe('command client over the embedded broker', () => {
  let broker: EmbeddedBroker;
  const presence = new Map<string, UnitPresence>();
  const connections: CommandConnection[] = [];
  const units: MqttClient[] = [];

  async function open(tuning: Partial<Omit<CommandClientOptions, 'mqtt' | 'presence'>> = {}): Promise<CommandClient> {
    const connection = await openCommandConnection({
      url: broker.url,
      username: broker.ingestLogin.username,
      password: broker.ingestLogin.password,
      clientId: `${broker.ingestLogin.username}:commands-${connections.length}`,
      presence: (id) => presence.get(id) ?? 'no-such-unit',
      logger: quiet,
      ...tuning,
    });
    connections.push(connection);
    return connection.commands;
  }

  async function unit(which: (typeof UNITS)[number], answer?: Answer) {
    const scripted = await scriptedUnit(broker.url, which, answer);
    units.push(scripted.client);
    return scripted;
  }

  beforeAll(async () => {
    broker = await startEmbeddedBroker({
      host: '127.0.0.1',
      port: 0,
      units: await unitAccounts(),
      ingest: { username: 'dashboard-ingest' },
      logger: quiet,
    });
  });
  afterEach(async () => {
    await Promise.all(connections.splice(0).map((c) => c.close()));
    await Promise.all(units.splice(0).map((c) => c.endAsync(true)));
    presence.clear();
  });
  afterAll(async () => {
    await broker.close();
  });

  describe('with the real edge service answering', () => {
    let tricycle: SimulatedTricycle;
    beforeAll(async () => {
      tricycle = await startSimulatedTricycle(
        {
          unitId: A.id,
          password: A.secret,
          initialSocPct: 80,
          timeScale: 1,
          sampleIntervalMs: 1000,
          batchIntervalMs: 5000,
        },
        broker.url,
        quiet,
      );
    });
    afterAll(async () => {
      await tricycle.stop();
    });

    /** The edge subscribes to its commands just after connecting; until then a request reaches nobody. */
    async function untilListening(commands: CommandClient) {
      await waitFor('the edge to answer get-status', async () => {
        try {
          return (await commands.send(A.id, 'get-status')).ok;
        } catch {
          return false;
        }
      });
    }

    it('round-trips get-status and config-get with the unit’s own answers', async () => {
      presence.set(A.id, 'online');
      const commands = await open({ timeoutsMs: { 'get-status': 300 }, replyMarginMs: 200 });
      await untilListening(commands);

      const status = await commands.send(A.id, 'get-status');
      expect(status).toMatchObject({ ok: true, unitId: A.id, command: 'get-status' });
      expect(status.ok && status.result).toMatchObject({ unitId: A.id, uplink: 'online' });

      const password = await commands.send(A.id, 'config-get', { key: 'mqtt.password' });
      expect(password).toMatchObject({ ok: true, result: { key: 'mqtt.password', value: '[redacted]' } });
      expect(commands.stats()).toMatchObject({ malformed: 0, badResults: 0, inFlight: 0 });
    });

    it('returns the unit’s coded error as ok:false instead of throwing', async () => {
      presence.set(A.id, 'online');
      const commands = await open();
      await untilListening(commands);
      const outcome = await commands.send(A.id, 'config-get', { key: 'no.suchKey' });
      expect(outcome).toMatchObject({ ok: false, unitId: A.id, command: 'config-get' });
      expect(!outcome.ok && outcome.error.code).toBe(EdgeErrorCode.CMD_INVALID);
      expect(commands.stats().unitErrors).toBe(1);
    });

    it('matches concurrent commands to one unit by their ids', async () => {
      presence.set(A.id, 'online');
      const commands = await open();
      await untilListening(commands);
      const [status, keepalive, unitId] = await Promise.all([
        commands.send(A.id, 'get-status'),
        commands.send(A.id, 'config-get', { key: 'mqtt.keepaliveS' }),
        commands.send(A.id, 'config-get', { key: 'unitId' }),
      ]);
      expect(status.ok && status.result.unitId).toBe(A.id);
      expect(keepalive).toMatchObject({ ok: true, result: { key: 'mqtt.keepaliveS' } });
      expect(unitId).toMatchObject({ ok: true, result: { key: 'unitId', value: A.id } });
      expect(new Set([status.id, keepalive.id, unitId.id]).size).toBe(3);
    });
  });

  describe('with a scripted unit', () => {
    it('times out with DSH_CMD_TIMEOUT when the unit never answers, and counts the late reply as unmatched', async () => {
      presence.set(B.id, 'online');
      const silent = await unit(B);
      const commands = await open({ timeoutsMs: { 'get-status': 50 }, replyMarginMs: 50 });
      const failure = await commands.send(B.id, 'get-status').catch((err: unknown) => err);
      expect(failure).toMatchObject({ code: CommandErrorCode.TIMEOUT });
      const { id } = failure as { id: string };
      expect(silent.received).toEqual([{ name: 'get-status', request: { v: 1, id, args: {} } }]);

      const late = { v: 1, id, ok: true, result: { key: 'x', applied: true, restartRequired: false } };
      await silent.client.publishAsync(replyTopic(B.id, 'get-status'), JSON.stringify(late), { qos: 1 });
      await waitFor('the late reply to be counted', () => commands.stats().unmatched === 1);
      expect(commands.stats()).toMatchObject({ timeouts: 1, answered: 0, inFlight: 0 });
    });

    it('refuses bad arguments before publishing anything', async () => {
      presence.set(B.id, 'online');
      const recorder = await unit(B, (_name, request, reply) => {
        void reply({ v: 1, id: request.id, ok: true, result: { name: 'bms', deferred: false } });
      });
      const commands = await open();
      const bad: [Parameters<CommandClient['send']>[1], unknown][] = [
        ['get-status', { extra: true }],
        ['capture-start', { port: '/dev/ttyUSB0', seconds: '30' }],
        ['capture-start', { port: '/dev/ttyUSB0', seconds: 0 }],
        ['config-get', {}],
        ['config-get', { key: '../etc/passwd' }],
        ['config-set', { key: 'mqtt.url', value: 'x'.repeat(20_000) }],
        ['restart-subsystem', { name: 'hotspot' }],
        ['get-status', null],
      ];
      for (const [name, args] of bad) {
        expect(await codeOf(commands.send(B.id, name, args)), `${name} ${JSON.stringify(args)}`).toBe(
          CommandErrorCode.BAD_ARGS,
        );
      }
      // QoS 1 on one connection keeps order: once this answer is back, anything sent earlier has arrived too.
      const ok = await commands.send(B.id, 'restart-subsystem', { name: 'bms' });
      expect(ok).toMatchObject({ ok: true, result: { name: 'bms', deferred: false } });
      expect(recorder.received.map((r) => r.name)).toEqual(['restart-subsystem']);
      expect(commands.stats().sent).toBe(1);
    });

    it('matches replies that come back in reverse order to their own requests', async () => {
      presence.set(B.id, 'online');
      const held: { request: CommandRequest; reply: (body: unknown) => Promise<void> }[] = [];
      await unit(B, (_name, request, reply) => {
        held.push({ request, reply });
        if (held.length < 3) return;
        for (const { request: r, reply: answer } of held.reverse()) {
          const key = (r.args as { key: string }).key;
          void answer({ v: 1, id: r.id, ok: true, result: { key, value: `value of ${key}` } });
        }
      });
      const commands = await open();
      const keys = ['mqtt.url', 'bms.path', 'telemetry.maxBatch'];
      const outcomes = await Promise.all(keys.map((key) => commands.send(B.id, 'config-get', { key })));
      expect(outcomes.map((o) => o.ok && o.result)).toEqual(keys.map((key) => ({ key, value: `value of ${key}` })));
      expect(commands.stats()).toMatchObject({ answered: 3, unmatched: 0 });
    });

    it('ignores malformed replies and replies on another command’s topic, and counts them', async () => {
      presence.set(B.id, 'online');
      await unit(B, (_name, request, reply) => {
        void (async () => {
          await reply('this is not JSON');
          await reply({ v: 2, id: request.id, ok: true, result: {} });
          await reply({ v: 1, id: request.id, ok: true });
          await reply({ v: 1, id: request.id, ok: 'yes', result: {} });
          await reply({ v: 1, id: request.id, ok: true, result: { name: 'uplink', deferred: true } });
        })();
      });
      const commands = await open();
      const outcome = await commands.send(B.id, 'restart-subsystem', { name: 'uplink' });
      expect(outcome).toMatchObject({ ok: true, result: { name: 'uplink', deferred: true } });
      expect(commands.stats()).toMatchObject({ malformed: 4, answered: 1 });

      // Same id, same unit, but the reply topic of another command: not this request's answer.
      const units2 = await unit(A, () => {});
      presence.set(A.id, 'online');
      const pending = commands.send(A.id, 'get-status');
      await waitFor('the request to reach the unit', () => units2.received.length === 1);
      const id = units2.received[0]?.request.id;
      const stray = { v: 1, id, ok: false, error: { code: 'EDG_CMD_FAILED', message: 'not yours' } };
      await units2.client.publishAsync(replyTopic(A.id, 'config-get'), JSON.stringify(stray), { qos: 1 });
      await waitFor('the stray reply to be counted', () => commands.stats().unmatched === 1);
      const status = {
        unitId: A.id,
        bootId: 'b',
        bms: 'connected',
        uplink: 'online',
        pendingRecords: 0,
        publishedRecords: 0,
      };
      await units2.client.publishAsync(
        replyTopic(A.id, 'get-status'),
        JSON.stringify({ v: 1, id, ok: true, result: status }),
        {
          qos: 1,
        },
      );
      expect(await pending).toMatchObject({ ok: true, result: status });
    });

    it('fails with DSH_CMD_BAD_REPLY when an ok reply’s result is outside the contract', async () => {
      presence.set(B.id, 'online');
      await unit(B, (_name, request, reply) => {
        void reply({ v: 1, id: request.id, ok: true, result: { name: 'bms' } });
      });
      const commands = await open();
      expect(await codeOf(commands.send(B.id, 'restart-subsystem', { name: 'bms' }))).toBe(CommandErrorCode.BAD_REPLY);
      expect(commands.stats().badResults).toBe(1);
    });

    it('bounds the requests waiting on one unit, not on the others', async () => {
      presence.set(A.id, 'online');
      presence.set(B.id, 'online');
      const silentA = await unit(A);
      const silentB = await unit(B);
      const commands = await open({ timeoutsMs: { 'run-diagnostics': 300 }, replyMarginMs: 0, maxInFlightPerUnit: 4 });
      const waiting = [1, 2, 3, 4].map(() => codeOf(commands.send(A.id, 'run-diagnostics')));
      expect(await codeOf(commands.send(A.id, 'run-diagnostics'))).toBe(CommandErrorCode.BUSY);
      const other = codeOf(commands.send(B.id, 'run-diagnostics'));
      expect(await Promise.all(waiting)).toEqual(Array(4).fill(CommandErrorCode.TIMEOUT));
      expect(await other).toBe(CommandErrorCode.TIMEOUT);
      expect(silentA.received).toHaveLength(4);
      expect(silentB.received).toHaveLength(1);
      // Slots come back once their requests end.
      const again = codeOf(commands.send(A.id, 'run-diagnostics'));
      expect(await again).toBe(CommandErrorCode.TIMEOUT);
      expect(silentA.received).toHaveLength(5);
    });

    it('sends nothing to a unit known offline or to an id that names no configured unit', async () => {
      presence.set(B.id, 'offline');
      const recorder = await unit(B);
      const commands = await open();
      expect(await codeOf(commands.send(B.id, 'get-status'))).toBe(CommandErrorCode.UNIT_OFFLINE);
      expect(await codeOf(commands.send('tri-nobody', 'get-status'))).toBe(CommandErrorCode.UNKNOWN_UNIT);
      expect(await codeOf(commands.send('Not A Unit/#', 'get-status'))).toBe(CommandErrorCode.UNKNOWN_UNIT);
      expect(await codeOf(commands.send(B.id, 'reboot' as 'get-status'))).toBe(CommandErrorCode.UNKNOWN_COMMAND);
      expect(commands.stats().sent).toBe(0);
      expect(recorder.received).toEqual([]);
    });

    it('fails waiting requests with DSH_CMD_CLOSED when closed', async () => {
      presence.set(B.id, 'online');
      const silent = await unit(B);
      const commands = await open();
      const waiting = codeOf(commands.send(B.id, 'get-status'));
      await waitFor('the request to reach the unit', () => silent.received.length === 1);
      commands.close();
      expect(await waiting).toBe(CommandErrorCode.CLOSED);
      expect(await codeOf(commands.send(B.id, 'get-status'))).toBe(CommandErrorCode.CLOSED);
    });

    it('refuses to start with DSH_CMD_SUBSCRIBE when the broker refuses the reply filter', async () => {
      // A unit's account may subscribe to its own commands only.
      const attempt = openCommandConnection({
        url: broker.url,
        username: B.id,
        password: B.secret,
        clientId: `${B.id}-commands`,
        presence: () => 'online',
        logger: quiet,
      });
      expect(await codeOf(attempt)).toBe(CommandErrorCode.SUBSCRIBE);
    });
  });
});
