import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { MAX_PAYLOAD_BYTES } from '@triporteur/edge/contract';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from 'pino';
import { verifySecret } from '../auth/secrets.js';
import { listenError } from '../errors.js';
import { serverUrl } from '../net.js';
import { canPublish, canSubscribe, clientIdOwner, type Principal } from './acl.js';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  units: readonly { readonly id: string; readonly secretHash: string }[];
  /** Account for the in-process ingest; `secretHash` (optional) also lets other processes log in as it. */
  ingest: { readonly username: string; readonly secretHash?: string | undefined };
  logger: Logger;
}

export interface EmbeddedBroker {
  readonly host: string;
  /** The port actually bound (differs from the requested one when that was 0). */
  readonly port: number;
  readonly url: string;
  /** Login for the in-process ingest: a secret minted for this process, never written anywhere. */
  readonly ingestLogin: { readonly username: string; readonly password: string; readonly clientId: string };
  readonly connectedClients: number;
  close(): Promise<void>;
}

/** Hard cap above the contract's limit: bigger publishes are refused before they are retained or routed. */
const MAX_BROKER_PAYLOAD = 4 * MAX_PAYLOAD_BYTES;

// CONNACK return codes of MQTT 3.1.1 (aedes types them as a const enum, which isolatedModules cannot read).
const IDENTIFIER_REJECTED = 2;
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;

const clip = (s: string | undefined) => (s === undefined ? undefined : s.slice(0, 64));

/** Log fields naming who acted: `unitId` for a tricycle, `account` for the ingest service. */
const who = (p: Principal | undefined) =>
  p === undefined ? {} : p.kind === 'unit' ? { unitId: p.unitId } : { account: p.username };

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const log = options.logger.child({ module: 'broker' });
  const unitIds = new Set(options.units.map((u) => u.id));
  const hashes = new Map(options.units.map((u) => [u.id, u.secretHash]));
  const ingestUser = options.ingest.username;
  const ingestPassword = randomBytes(32).toString('base64url');
  const accountNames = [...unitIds, ingestUser];
  const principals = new WeakMap<Client, Principal>();

  const broker = await Aedes.createBroker({ connectTimeout: 10_000, drainTimeout: 30_000 });

  async function checkPassword(username: string, password: string): Promise<Principal | undefined> {
    if (username === ingestUser) {
      const given = Buffer.from(password);
      const minted = Buffer.from(ingestPassword);
      if (given.length === minted.length && timingSafeEqual(given, minted)) return { kind: 'ingest', username };
      const hash = options.ingest.secretHash;
      return hash !== undefined && (await verifySecret(password, hash)) ? { kind: 'ingest', username } : undefined;
    }
    const hash = hashes.get(username);
    return hash !== undefined && (await verifySecret(password, hash)) ? { kind: 'unit', unitId: username } : undefined;
  }

  broker.authenticate = (client, username, password, done) => {
    const refuse = (returnCode: number, reason: string) => {
      log.warn({ unitId: clip(username), clientId: clip(client.id), reason }, 'refused connection');
      const err = Object.assign(new Error(reason), { returnCode }) as AuthenticateError;
      done(err, false);
    };
    if (!username || !password) return refuse(BAD_USERNAME_OR_PASSWORD, 'no username or password');
    if (username !== ingestUser && !hashes.has(username)) return refuse(BAD_USERNAME_OR_PASSWORD, 'unknown account');
    if (clientIdOwner(client.id, accountNames) !== username) {
      return refuse(IDENTIFIER_REJECTED, `client id must be "${username}" or start with "${username}-"`);
    }
    checkPassword(username, password.toString('utf8')).then(
      (principal) => {
        if (!principal) return refuse(BAD_USERNAME_OR_PASSWORD, 'wrong password');
        principals.set(client, principal);
        done(null, true);
      },
      (err: unknown) => {
        log.error({ err }, 'password check failed');
        refuse(SERVER_UNAVAILABLE, 'password check failed');
      },
    );
  };

  // MQTT 3.1.1 cannot tell a publisher "no": refusing closes its connection (MQTT-3.3.5-2), which also
  // stops a misbehaving unit from trying again in a tight loop on the same socket.
  broker.authorizePublish = (client, packet, done) => {
    const principal = client ? principals.get(client) : undefined;
    const size = typeof packet.payload === 'string' ? Buffer.byteLength(packet.payload) : packet.payload.length;
    let reason: string | undefined;
    if (!principal) reason = 'not authenticated';
    else if (size > MAX_BROKER_PAYLOAD) reason = `payload of ${size} bytes is over ${MAX_BROKER_PAYLOAD}`;
    else if (!canPublish(principal, packet.topic, unitIds)) reason = 'topic outside its subtree';
    if (reason === undefined) return done(null);
    log.warn(
      {
        ...who(principal),
        clientId: clip(client?.id),
        topic: clip(packet.topic),
        reason,
      },
      'refused publish',
    );
    done(new Error(`publish refused: ${reason}`));
  };

  // A refused filter gets return code 0x80 in the SUBACK; the client stays connected.
  broker.authorizeSubscribe = (client, subscription, done) => {
    const principal = principals.get(client);
    if (principal && canSubscribe(principal, subscription.topic)) return done(null, subscription);
    log.warn(
      {
        ...who(principal),
        clientId: clip(client.id),
        filter: clip(subscription.topic),
      },
      'refused subscription',
    );
    done(null, null);
  };

  broker.on('clientReady', (client) => {
    const principal = principals.get(client);
    log.info({ ...who(principal), clientId: client.id }, 'client connected');
  });
  broker.on('clientDisconnect', (client) => {
    const principal = principals.get(client);
    log.info({ ...who(principal), clientId: client.id }, 'client disconnected');
  });
  broker.on('clientError', (client, err) =>
    log.debug({ clientId: clip(client.id), reason: err.message }, 'client error'),
  );
  broker.on('connectionError', (client, err) =>
    log.debug({ clientId: clip(client.id), reason: err.message }, 'connection error'),
  );

  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: options.host, port: options.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw listenError('MQTT broker', options.host, options.port, err);
  }
  server.on('error', (err) => log.error({ err }, 'broker socket error'));
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : options.port;
  const url = serverUrl('mqtt', options.host, port);
  log.info({ url, units: unitIds.size }, 'embedded broker listening');

  let closing: Promise<void> | undefined;
  return {
    host: options.host,
    port,
    url,
    ingestLogin: { username: ingestUser, password: ingestPassword, clientId: `${ingestUser}:ingest` },
    get connectedClients() {
      return broker.connectedClients;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        broker.close(() => {
          // Sockets that never sent CONNECT are not aedes clients yet; without this they hold close() open.
          for (const socket of sockets) socket.destroy();
        });
      }).then(() => log.info('embedded broker closed'));
      return closing;
    },
  };
}
