import { EdgeErrorCode, type SimulatedTricycle, startSimulatedTricycle } from '@triporteur/edge';
import { type CommandRequest, cmdFilter } from '@triporteur/edge/contract';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startEmbeddedBroker } from '../src/broker/embedded.js';
import type { UnitPresence } from '../src/commands/command-client.js';
import { type CommandConnection, openCommandConnection } from '../src/commands/connect.js';
import { CommandErrorCode } from '../src/commands/errors.js';
import { type CommandAuditEntry, commandRoutes } from '../src/http/routes/commands.js';
import { connectUnit, UNITS, unitAccounts, waitFor } from './helpers.js';

const [A, B] = UNITS;
const quiet = pino({ level: 'silent' });
const TECH = { 'x-test-user': 'technicienne' };

/** Stands in for the auth layer's permission check: a header names the user, none means no session. */
async function guard(request: FastifyRequest, reply: FastifyReply) {
  if (request.headers['x-test-user'] === undefined) {
    return reply.code(401).send({ code: 'TEST_NO_SESSION', message: 'connexion requise' });
  }
  return undefined;
}

/** Only the mediators' coordinator may pause a location in this file; everyone else is refused. */
async function locationGuard(request: FastifyRequest, reply: FastifyReply) {
  if (request.headers['x-test-user'] !== 'coordinatrice') {
    return reply.code(403).send({ code: 'TEST_FORBIDDEN', message: 'interdit' });
  }
  return undefined;
}

/** Typed like the server's own instance: a pino logger, as in http/server.ts. */
const newApp = () => Fastify({ loggerInstance: quiet });

describe('POST /api/units/:unitId/commands/<name>', () => {
  let broker: EmbeddedBroker;
  let tricycle: SimulatedTricycle;
  let connection: CommandConnection;
  let app: ReturnType<typeof newApp>;
  let silentB: MqttClient;
  const toB: CommandRequest[] = [];
  const presence = new Map<string, UnitPresence>();
  const audits: { entry: CommandAuditEntry; user: string | undefined }[] = [];

  const post = (unitId: string, name: string, payload?: unknown, headers: Record<string, string> = TECH) =>
    app.inject({
      method: 'POST',
      url: `/api/units/${encodeURIComponent(unitId)}/commands/${name}`,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  beforeAll(async () => {
    broker = await startEmbeddedBroker({
      host: '127.0.0.1',
      port: 0,
      units: await unitAccounts(),
      ingest: { username: 'dashboard-ingest' },
      logger: quiet,
    });
    tricycle = await startSimulatedTricycle(
      {
        unitId: A.id,
        password: A.secret,
        initialSocPct: 70,
        timeScale: 1,
        sampleIntervalMs: 1000,
        batchIntervalMs: 5000,
      },
      broker.url,
      quiet,
    );
    // Unit B is connected and listening but never answers.
    silentB = await connectUnit(broker.url, B.id, B.secret, { clientId: `${B.id}-silent` });
    silentB.on('message', (_topic, payload) => toB.push(JSON.parse(payload.toString('utf8')) as CommandRequest));
    await silentB.subscribeAsync(cmdFilter(B.id), { qos: 1 });

    connection = await openCommandConnection({
      url: broker.url,
      ...broker.ingestLogin,
      clientId: 'dashboard-ingest:commands',
      presence: (id) => presence.get(id) ?? 'no-such-unit',
      logger: quiet,
      timeoutsMs: { 'get-status': 500, 'run-diagnostics': 100, 'config-set': 100 },
      replyMarginMs: 100,
      maxInFlightPerUnit: 1,
    });
    app = newApp();
    await app.register(commandRoutes, {
      commands: connection.commands,
      guard,
      // The location pause answers to its own check: here, any user named in the header.
      guards: { 'location-pause': locationGuard },
      audit: (entry, request) => {
        const user = request.headers['x-test-user'];
        audits.push({ entry, user: typeof user === 'string' ? user : undefined });
      },
    });
    await app.ready();

    presence.set(A.id, 'online');
    presence.set(B.id, 'online');
    // The edge subscribes to its commands just after connecting; until then a request reaches nobody.
    await waitFor('the edge to answer get-status', async () => (await post(A.id, 'get-status')).statusCode === 200);
  });
  beforeEach(() => {
    audits.length = 0;
    toB.length = 0;
    presence.set(A.id, 'online');
    presence.set(B.id, 'online');
  });
  afterAll(async () => {
    await app?.close();
    await connection?.close();
    await silentB?.endAsync(true);
    await tricycle?.stop();
    await broker?.close();
  });

  it('runs get-status on the unit, with no body at all, and audits who ran it', async () => {
    const res = await post(A.id, 'get-status');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      ok: true,
      unitId: A.id,
      command: 'get-status',
      result: { unitId: A.id, uplink: 'online' },
    });
    // Fields beyond the contract's minimum survive the response schema.
    expect(Object.keys(body.result)).toEqual(
      expect.arrayContaining(['bootId', 'bms', 'pendingRecords', 'publishedRecords']),
    );
    expect(audits).toEqual([
      { entry: { unitId: A.id, command: 'get-status', id: body.id, code: 'OK' }, user: 'technicienne' },
    ]);
  });

  it('answers 200 ok:false with the unit’s EDG_ code when the unit refuses', async () => {
    const res = await post(A.id, 'config-get', { key: 'no.suchKey' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: false, error: { code: EdgeErrorCode.CMD_INVALID } });
    expect(audits[0]?.entry).toMatchObject({
      command: 'config-get',
      target: 'no.suchKey',
      code: EdgeErrorCode.CMD_INVALID,
    });
  });

  it('answers 400 DSH_CMD_BAD_ARGS without coercing or dropping anything, and the unit gets nothing', async () => {
    const cases: [string, unknown][] = [
      ['capture-start', { port: '/dev/ttyUSB0', seconds: '30' }],
      ['get-status', { extra: 1 }],
      ['config-get', { key: 'mqtt.url', also: 'x' }],
      ['restart-subsystem', { name: 'hotspot' }],
      ['config-set', [1, 2]],
    ];
    for (const [name, args] of cases) {
      const res = await post(B.id, name, args);
      expect(res.statusCode, `${name} ${JSON.stringify(args)}`).toBe(400);
      expect(res.json()).toMatchObject({
        code: CommandErrorCode.BAD_ARGS,
        message: expect.stringContaining('arguments'),
      });
    }
    expect(audits.map((a) => a.entry.code)).toEqual(Array(cases.length).fill(CommandErrorCode.BAD_ARGS));
    // A command B never answers, sent after: once it times out, anything sent earlier would have arrived.
    expect((await post(B.id, 'run-diagnostics')).statusCode).toBe(504);
    expect(toB.map((r) => r.args)).toEqual([{}]);
  });

  it('answers 404 for an unknown unit, an impossible unit id and an unknown command', async () => {
    const unknown = await post('tri-nobody', 'get-status');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: CommandErrorCode.UNKNOWN_UNIT });
    const impossible = await post('NOT A UNIT', 'get-status');
    expect(impossible.statusCode).toBe(404);
    expect(impossible.json()).toMatchObject({ code: CommandErrorCode.UNKNOWN_UNIT });
    const command = await post(A.id, 'reboot');
    expect(command.statusCode).toBe(404);
    expect(command.json()).toMatchObject({ code: CommandErrorCode.UNKNOWN_COMMAND });
    expect(audits.map((a) => a.entry.code)).toEqual([
      CommandErrorCode.UNKNOWN_UNIT,
      CommandErrorCode.UNKNOWN_UNIT,
      CommandErrorCode.UNKNOWN_COMMAND,
    ]);
  });

  it('answers 503 for a unit known offline and 504 with the request id when the unit stays silent', async () => {
    presence.set(B.id, 'offline');
    const offline = await post(B.id, 'get-status');
    expect(offline.statusCode).toBe(503);
    expect(offline.json()).toMatchObject({ code: CommandErrorCode.UNIT_OFFLINE });
    expect(toB).toEqual([]);

    presence.set(B.id, 'online');
    const silent = await post(B.id, 'config-set', { key: 'mqtt.password', value: 'new-unit-secret' });
    expect(silent.statusCode).toBe(504);
    const body = silent.json();
    expect(body).toMatchObject({ code: CommandErrorCode.TIMEOUT, id: toB[0]?.id });
    // The audit names the key, never the value.
    expect(audits.at(-1)?.entry).toEqual({
      unitId: B.id,
      command: 'config-set',
      target: 'mqtt.password',
      id: body.id,
      code: CommandErrorCode.TIMEOUT,
    });
    expect(JSON.stringify(audits)).not.toContain('new-unit-secret');
  });

  it('answers 409 DSH_CMD_BUSY while the unit’s slots are taken', async () => {
    const first = post(B.id, 'run-diagnostics');
    await waitFor('the first request to reach the unit', () => toB.length === 1);
    const second = await post(B.id, 'run-diagnostics');
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: CommandErrorCode.BUSY });
    expect((await first).statusCode).toBe(504);
    expect(toB).toHaveLength(1);
  });

  it('lets the guard refuse before anything is sent or audited', async () => {
    const res = await post(A.id, 'get-status', undefined, {});
    expect(res.statusCode).toBe(401);
    const unknown = await post(A.id, 'reboot', undefined, {});
    expect(unknown.statusCode).toBe(401);
    expect(audits).toEqual([]);
  });

  it('runs location-pause on the real edge under its own permission, not the technicians’', async () => {
    const coordinator = { 'x-test-user': 'coordinatrice' };
    const refused = await post(A.id, 'location-pause', { paused: true });
    expect(refused.statusCode).toBe(403);
    const res = await post(A.id, 'location-pause', { paused: true }, coordinator);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, result: { paused: true, manual: true, by: 'dashboard' } });
    const back = await post(A.id, 'location-pause', { paused: false }, coordinator);
    expect(back.json()).toMatchObject({ ok: true, result: { paused: false } });
    expect(audits.map((a) => [a.user, a.entry.command, a.entry.code])).toEqual([
      ['coordinatrice', 'location-pause', 'OK'],
      ['coordinatrice', 'location-pause', 'OK'],
    ]);
  });
});
