import { createServer, type Socket } from 'node:net';
import { Aedes, type Client } from 'aedes';

/**
 * aedes refusing subscriptions the way the dashboard's embedded broker does (SUBACK 0x80): a unit may
 * only subscribe under its own cmd/. Mosquitto 2.0 grants such a subscription and filters at delivery
 * instead, so only this broker can show the router's EDG_CMD_SUBSCRIBE.
 */
export async function startAclAedes(
  users: Record<string, string>,
  technician: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const broker = await Aedes.createBroker();
  const names = new WeakMap<Client, string>();
  broker.authenticate = (client, username, password, done) => {
    if (username !== undefined && users[username] !== undefined && password?.toString() === users[username]) {
      names.set(client, username);
      return done(null, true);
    }
    done(Object.assign(new Error('bad username or password'), { returnCode: 4 as const }), null);
  };
  broker.authorizeSubscribe = (client, subscription, done) => {
    const user = names.get(client);
    const allowed = user === technician || subscription.topic.startsWith(`triporteur/v1/${user}/cmd/`);
    done(null, allowed ? subscription : null);
  };
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('broker has no TCP address');
  return {
    url: `mqtt://127.0.0.1:${address.port}`,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
