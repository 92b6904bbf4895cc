import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';

export interface TestBroker {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A real MQTT broker (aedes) on a loopback TCP port, accepting one username/password.
 * Bad credentials get CONNACK 4, as from any real broker.
 */
export async function startTestBroker(users: Record<string, string>, port = 0): Promise<TestBroker> {
  const broker = await Aedes.createBroker();
  broker.authenticate = (_client, username, password, done) => {
    const ok = username !== undefined && users[username] !== undefined && password?.toString() === users[username];
    if (ok) return done(null, true);
    const err = Object.assign(new Error('bad username or password'), { returnCode: 4 as const });
    done(err, null);
  };
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('broker has no TCP address');
  let closed = false;
  return {
    url: `mqtt://127.0.0.1:${address.port}`,
    port: address.port,
    close: async () => {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
