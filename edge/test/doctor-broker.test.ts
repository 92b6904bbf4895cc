import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { brokerCheck } from '../src/doctor/checks/broker.js';
import { DoctorCode } from '../src/doctor/codes.js';
import { freePort } from '../src/testing/free-port.js';
import { doctorConfig, doctorTestContext, UNIT } from './support/doctor-config.js';
import { until } from './support/until.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real aedes broker on loopback, one user, that lets the test see who connected and what was published. */
async function watchedBroker() {
  const broker = await Aedes.createBroker();
  broker.authenticate = (_client, username, password, done) => {
    if (username === UNIT && password?.toString() === 'unit-secret') return done(null, true);
    done(Object.assign(new Error('bad username or password'), { returnCode: 4 as const }), null);
  };
  const seen = { connected: [] as string[], disconnected: [] as string[], published: [] as string[] };
  broker.on('client', (client) => seen.connected.push(client.id));
  broker.on('clientDisconnect', (client) => seen.disconnected.push(client.id));
  broker.on('publish', (packet, client) => {
    if (client) seen.published.push(`${client.id} ${packet.topic}`);
  });
  const server = await listen((socket) => broker.handle(socket));
  cleanups.push(async () => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await server.close();
  });
  return { url: `mqtt://127.0.0.1:${server.port}`, seen };
}

/** A TCP server on loopback; `close` also drops the sockets it accepted. */
async function listen(onSocket: (socket: Socket) => void) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    port: address.port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const check = (url: string, password = 'unit-secret', probeTimeoutMs = 5000) =>
  brokerCheck.run(doctorTestContext(doctorConfig({ mqtt: { url, username: UNIT, password } }), { probeTimeoutMs }));

describe('doctor: the broker, against a real aedes broker', () => {
  it('passes with the right password, beside the running service, without disturbing it or publishing', async () => {
    const { url, seen } = await watchedBroker();
    // The service's own persistent session, as uplink/session.ts opens it.
    const service = await mqtt.connectAsync(url, {
      clientId: `${UNIT}-edge`,
      username: UNIT,
      password: 'unit-secret',
      clean: false,
      reconnectPeriod: 0,
    });
    cleanups.push(() => service.endAsync(true));
    let serviceClosed = false;
    service.on('close', () => {
      serviceClosed = true;
    });

    const result = await check(url);
    expect(result).toMatchObject({ id: 'broker', status: 'pass', code: DoctorCode.OK });
    expect(result.detail).toContain(UNIT);

    const doctorId = seen.connected.find((id) => id !== `${UNIT}-edge`) ?? '';
    expect(doctorId).toMatch(new RegExp(`^${UNIT}-doctor-[0-9a-f]{6}$`));
    await until(() => seen.disconnected.includes(doctorId), 'doctor hung up');
    expect(seen.published).toEqual([]);
    expect(serviceClosed).toBe(false);
    expect(service.connected).toBe(true);
  });

  it('fails DOC_BROKER_AUTH on a wrong password (CONNACK 4), never quoting the secret', async () => {
    const { url } = await watchedBroker();
    const result = await check(url, 'not-the-password');
    expect(result).toMatchObject({ status: 'fail', code: DoctorCode.BROKER_AUTH });
    expect(result.detail).toContain('code de retour 4');
    expect(`${result.detail} ${result.fix}`).not.toContain('not-the-password');
  });

  it('fails DOC_BROKER_UNREACHABLE when nothing listens', async () => {
    const port = await freePort();
    const result = await check(`mqtt://127.0.0.1:${port}`);
    expect(result).toMatchObject({ status: 'fail', code: DoctorCode.BROKER_UNREACHABLE });
    expect(result.detail).toContain('connexion refusée');
  });

  it('fails DOC_BROKER_UNREACHABLE when the port accepts but never answers CONNECT', async () => {
    const silent = await listen(() => undefined);
    cleanups.push(() => silent.close());
    const result = await check(`mqtt://127.0.0.1:${silent.port}`, 'unit-secret', 300);
    expect(result).toMatchObject({ status: 'fail', code: DoctorCode.BROKER_UNREACHABLE });
  });

  it('fails DOC_BROKER_UNREACHABLE, naming the file, when the CA bundle cannot be read', async () => {
    const { url } = await watchedBroker();
    const config = doctorConfig({
      mqtt: { url, username: UNIT, password: 'unit-secret', caFile: '/nonexistent/ca.pem' },
    });
    const result = await brokerCheck.run(doctorTestContext(config));
    expect(result).toMatchObject({ status: 'fail', code: DoctorCode.BROKER_UNREACHABLE });
    expect(result.detail).toContain('/nonexistent/ca.pem');
  });

  it('reads the live session inside the service instead of dialling', async () => {
    const config = doctorConfig();
    const live = (uplink: 'online' | 'refused' | 'offline') => ({
      uplink: () => uplink,
      outbox: () => ({ depth: 0, oldestTs: null }),
      pendingEvents: () => 0,
      devices: () => [],
    });
    const dial = () => {
      throw new Error('must not dial');
    };
    const run = (uplink: 'online' | 'refused' | 'offline') =>
      brokerCheck.run(doctorTestContext(config, { live: live(uplink), connectMqtt: dial }));
    expect(await run('online')).toMatchObject({ status: 'pass' });
    expect(await run('refused')).toMatchObject({ status: 'fail', code: DoctorCode.BROKER_AUTH });
    expect(await run('offline')).toMatchObject({ status: 'fail', code: DoctorCode.BROKER_UNREACHABLE });
  });
});
