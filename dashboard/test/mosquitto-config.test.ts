import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cmdFilter,
  cmdTopic,
  FLEET_FILTERS,
  FLEET_REPLY_FILTER,
  replyTopic,
  unitTopic,
} from '@triporteur/edge/contract';
import { createTestCa, freePort, type TestCa } from '@triporteur/edge/testing';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderMosquittoAcl, renderMosquittoConf } from '../src/broker/mosquitto.js';
import { MosquittoErrorCode } from '../src/broker/mosquitto-errors.js';
import { writeMosquittoSetup } from '../src/broker/mosquitto-files.js';
import { type MosquittoProcess, runMosquitto } from '../src/broker/mosquitto-process.js';
import { validateDashboardConfig } from '../src/config.js';
import { connectClient, connectUnit, UNITS, unitAccounts, waitFor } from './helpers.js';

const [A, B] = UNITS;
const INGEST = { username: 'dashboard-ingest', password: 'ingest-secret-for-tests' };

const CONF = {
  host: '127.0.0.1',
  port: 1883,
  passwordFile: '/etc/mosquitto/passwd',
  aclFile: '/etc/mosquitto/acl',
  persistenceDir: '/var/lib/mosquitto',
};

describe('Mosquitto files, rendered', () => {
  it('gives each unit write access to its own channels and read access to its own commands only', () => {
    const blocks = renderMosquittoAcl([{ id: A.id }, { id: B.id }], [INGEST.username]).split('\n\n');
    expect(blocks.find((b) => b.startsWith(`user ${A.id}\n`))?.split('\n')).toEqual([
      `user ${A.id}`,
      `topic write ${unitTopic(A.id, 'state')}`,
      `topic write ${unitTopic(A.id, 'birth')}`,
      `topic write ${unitTopic(A.id, 'telemetry')}`,
      `topic write ${unitTopic(A.id, 'events')}`,
      `topic write ${replyTopic(A.id, '+')}`,
      `topic read ${cmdFilter(A.id)}`,
    ]);
    expect(blocks.find((b) => b.startsWith(`user ${INGEST.username}\n`))?.split('\n')).toEqual([
      `user ${INGEST.username}`,
      ...Object.values(FLEET_FILTERS).map((f) => `topic read ${f}`),
      `topic read ${FLEET_REPLY_FILTER}`,
      `topic write ${cmdTopic('+', '+')}`,
    ]);
    // Nothing outside a user block: it would apply to anonymous clients.
    expect(blocks.slice(1).every((b) => b.startsWith('user '))).toBe(true);
  });

  it('refuses unit ids and account names that are not safe in the ACL', () => {
    const cases: [() => string, string][] = [
      [() => renderMosquittoAcl([{ id: 'Tri_01' }], [INGEST.username]), MosquittoErrorCode.UNIT_ID],
      [() => renderMosquittoAcl([{ id: `${A.id}\nuser ${B.id}` }], []), MosquittoErrorCode.UNIT_ID],
      [() => renderMosquittoAcl([], ['ingest account']), MosquittoErrorCode.USERNAME],
      [() => renderMosquittoAcl([{ id: A.id }, { id: A.id }], []), MosquittoErrorCode.DUPLICATE_ACCOUNT],
      [() => renderMosquittoAcl([{ id: A.id }], [A.id]), MosquittoErrorCode.DUPLICATE_ACCOUNT],
    ];
    for (const [render, code] of cases) expect(render).toThrow(expect.objectContaining({ code }));
  });

  it('writes a closed broker: no anonymous clients, password file, ACL, persistence', () => {
    const lines = renderMosquittoConf(CONF).split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'allow_anonymous false',
        'password_file /etc/mosquitto/passwd',
        'acl_file /etc/mosquitto/acl',
        'persistence true',
        'persistence_location /var/lib/mosquitto/',
        'listener 1883 127.0.0.1',
      ]),
    );
    expect(lines.some((l) => l.startsWith('cafile'))).toBe(false);
  });

  it('refuses values that would break or escape the config file', () => {
    const cases: [Parameters<typeof renderMosquittoConf>[0], string][] = [
      [{ ...CONF, aclFile: '/etc/mosquitto/acl\nallow_anonymous true' }, MosquittoErrorCode.PATH],
      [{ ...CONF, passwordFile: 'passwd' }, MosquittoErrorCode.PATH],
      [{ ...CONF, persistenceDir: '/var/lib/my mosquitto' }, MosquittoErrorCode.PATH],
      [{ ...CONF, host: '127.0.0.1 8883' }, MosquittoErrorCode.HOST],
      [{ ...CONF, port: 0 }, MosquittoErrorCode.PORT],
      [{ ...CONF, port: 1.5 }, MosquittoErrorCode.PORT],
      [
        { ...CONF, tls: { port: 1883, cafile: '/c/ca.pem', certfile: '/c/cert.pem', keyfile: '/c/key.pem' } },
        MosquittoErrorCode.PORT,
      ],
      [
        { ...CONF, tls: { port: 8883, cafile: '/c/ca.pem', certfile: '/c/cert.pem', keyfile: '/c/key\r.pem' } },
        MosquittoErrorCode.PATH,
      ],
    ];
    for (const [options, code] of cases) {
      expect(() => renderMosquittoConf(options)).toThrow(expect.objectContaining({ code }));
    }
  });
});

describe("on Debian's Mosquitto with the generated files", () => {
  let dir: string;
  let ca: TestCa;
  let broker: MosquittoProcess;
  let url: string;
  let tlsUrl: string;
  const clients: MqttClient[] = [];
  const track = (c: MqttClient) => {
    clients.push(c);
    return c;
  };
  const ingestClient = (clientId: string) =>
    connectClient(url, { clientId, username: INGEST.username, password: INGEST.password }).then(track);
  const unit = (u: (typeof UNITS)[number]) => connectUnit(url, u.id, u.secret).then(track);
  const collect = (client: MqttClient) => {
    const seen: string[] = [];
    client.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
    return seen;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dashboard-mosquitto-'));
    // Started as root, mosquitto drops to its own user, which must reach these files and its data dir.
    await chmod(dir, 0o755);
    await mkdir(join(dir, 'data'), { mode: 0o777 });
    await chmod(join(dir, 'data'), 0o777);
    ca = await createTestCa();
    const cert = await ca.issue('broker', ['localhost'], ['127.0.0.1']);
    const config = validateDashboardConfig({
      configVersion: 1,
      broker: { mode: 'external', url: 'mqtt://127.0.0.1:1883', ...INGEST },
      store: { path: join(dir, 'fleet.db') },
      units: await unitAccounts(),
    });
    const [port, tlsPort] = [await freePort(), await freePort()];
    const setup = await writeMosquittoSetup({
      config,
      outDir: dir,
      host: '127.0.0.1',
      port,
      persistenceDir: join(dir, 'data'),
      tls: { port: tlsPort, host: '127.0.0.1', cafile: ca.caFile, certfile: cert.certFile, keyfile: cert.keyFile },
      secrets: { [A.id]: A.secret, [B.id]: B.secret },
    });
    expect(setup.passwordsSet).toEqual([INGEST.username, A.id, B.id]);
    expect(setup.withoutPassword).toEqual([]);
    await chmod(setup.files.passwords, 0o644);
    broker = await runMosquitto(setup.files.conf, port);
    url = `mqtt://127.0.0.1:${port}`;
    tlsUrl = `mqtts://localhost:${tlsPort}`;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  });
  afterAll(async () => {
    await broker?.stop();
    await ca?.remove();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses a wrong password, another unit’s secret and an unknown account', async () => {
    await expect(connectUnit(url, A.id, 'not-the-secret')).rejects.toMatchObject({ code: 5 });
    await expect(connectUnit(url, A.id, B.secret)).rejects.toMatchObject({ code: 5 });
    await expect(connectUnit(url, 'tri-nobody', A.secret)).rejects.toMatchObject({ code: 5 });
    await expect(
      connectClient(url, { clientId: 'x', username: INGEST.username, password: 'wrong' }),
    ).rejects.toMatchObject({ code: 5 });
  });

  it('delivers what a unit publishes on its own channels and drops what it writes elsewhere', async () => {
    const ingest = await ingestClient('dashboard-ingest:watch');
    const seen = collect(ingest);
    await ingest.subscribeAsync('#', { qos: 1 });
    const a = await unit(A);
    const aGot = collect(a);
    await a.subscribeAsync(cmdFilter(A.id), { qos: 1 });

    // Under MQTT 3.1.1 Mosquitto acknowledges a refused publish and drops it.
    await a.publishAsync(unitTopic(B.id, 'telemetry'), 'forged', { qos: 1 });
    await a.publishAsync(cmdTopic(A.id, 'get-status'), 'self-command', { qos: 1 });
    await a.publishAsync(unitTopic(A.id, 'telemetry'), 'own', { qos: 1 });
    await ingest.publishAsync(cmdTopic(A.id, 'get-status'), 'from-ingest', { qos: 1 });
    await waitFor('own telemetry and the ingest command', () => seen.length > 0 && aGot.length > 0);
    // Each client gets messages in publish order, so a delivered forgery would be listed first.
    expect(seen).toEqual([`${unitTopic(A.id, 'telemetry')} own`]);
    expect(aGot).toEqual([`${cmdTopic(A.id, 'get-status')} from-ingest`]);
  });

  it('never gives a unit another unit’s commands, even when it subscribes to them', async () => {
    const [a, b] = [await unit(A), await unit(B)];
    const [aGot, bGot] = [collect(a), collect(b)];
    await a.subscribeAsync([cmdFilter(B.id), cmdFilter(A.id)], { qos: 1 });
    await b.subscribeAsync(cmdFilter(B.id), { qos: 1 });
    const ingest = await ingestClient('dashboard-ingest:cmd');
    await ingest.publishAsync(cmdTopic(B.id, 'get-status'), 'for-b', { qos: 1 });
    await ingest.publishAsync(cmdTopic(A.id, 'get-status'), 'for-a', { qos: 1 });
    await waitFor('both commands', () => aGot.length > 0 && bGot.length > 0);
    expect(aGot).toEqual([`${cmdTopic(A.id, 'get-status')} for-a`]);
    expect(bGot).toEqual([`${cmdTopic(B.id, 'get-status')} for-b`]);
  });

  it('lets the ingest account read every channel and reply of every unit', async () => {
    const ingest = await ingestClient('dashboard-ingest:all');
    const seen = collect(ingest);
    await ingest.subscribeAsync([...Object.values(FLEET_FILTERS), FLEET_REPLY_FILTER], { qos: 1 });
    const [a, b] = [await unit(A), await unit(B)];
    const expected = [
      unitTopic(A.id, 'state'),
      unitTopic(A.id, 'birth'),
      unitTopic(A.id, 'telemetry'),
      unitTopic(A.id, 'events'),
      replyTopic(A.id, 'get-status'),
      unitTopic(B.id, 'telemetry'),
    ];
    for (const topic of expected) await (topic.includes(B.id) ? b : a).publishAsync(topic, 'x', { qos: 1 });
    await waitFor('every channel', () => seen.length >= expected.length);
    expect(seen.map((s) => s.split(' ')[0]).sort()).toEqual([...expected].sort());
  });

  it('splits a $share group: two ingest processes get disjoint halves that together are every message once', async () => {
    const shared = `$share/dashboards/${FLEET_FILTERS.telemetry}`;
    const [one, two] = [await ingestClient('dashboard-ingest:1'), await ingestClient('dashboard-ingest:2')];
    const [gotOne, gotTwo] = [collect(one), collect(two)];
    await one.subscribeAsync(shared, { qos: 1 });
    await two.subscribeAsync(shared, { qos: 1 });
    const a = await unit(A);
    const topic = unitTopic(A.id, 'telemetry');
    for (let i = 0; i < 100; i++) await a.publishAsync(topic, `n${i}`, { qos: 1 });
    await waitFor('100 messages', () => gotOne.length + gotTwo.length >= 100);
    // Markers until each member has had one: anything still owed to a member would come before its marker.
    const marked = (got: string[]) => got.some((s) => s.endsWith(' marker'));
    for (let i = 0; i < 20 && !(marked(gotOne) && marked(gotTwo)); i++) {
      const before = gotOne.length + gotTwo.length;
      await a.publishAsync(topic, 'marker', { qos: 1 });
      await waitFor('a marker', () => gotOne.length + gotTwo.length > before);
    }
    expect(marked(gotOne) && marked(gotTwo)).toBe(true);
    const [numbersOne, numbersTwo] = [gotOne, gotTwo].map((got) =>
      got.filter((s) => !s.endsWith(' marker')).map((s) => Number(s.slice(`${topic} n`.length))),
    ) as [number[], number[]];
    // Mosquitto deals a group's messages round-robin: with both members online, exactly half each.
    expect(numbersOne).toHaveLength(50);
    expect(numbersTwo).toHaveLength(50);
    expect(numbersOne.filter((n) => numbersTwo.includes(n))).toEqual([]);
    expect([...numbersOne, ...numbersTwo].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('serves units on the TLS listener with the same accounts and ACL', async () => {
    const ingest = await ingestClient('dashboard-ingest:tls');
    const seen = collect(ingest);
    await ingest.subscribeAsync(FLEET_FILTERS.telemetry, { qos: 1 });
    const trusted = await readFile(ca.caFile);
    const a = track(await connectUnit(tlsUrl, A.id, A.secret, { ca: trusted }));
    await a.publishAsync(unitTopic(B.id, 'telemetry'), 'forged', { qos: 1 });
    await a.publishAsync(unitTopic(A.id, 'telemetry'), 'over-tls', { qos: 1 });
    await waitFor('telemetry over TLS', () => seen.length > 0);
    expect(seen).toEqual([`${unitTopic(A.id, 'telemetry')} over-tls`]);
    await expect(connectUnit(tlsUrl, A.id, 'not-the-secret', { ca: trusted })).rejects.toMatchObject({ code: 5 });
  });
});
