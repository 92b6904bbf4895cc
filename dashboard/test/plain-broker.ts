import { createServer } from 'node:net';
import { Aedes } from 'aedes';

/**
 * A bare aedes with one fixed account and no ACL: it stands in for an external broker such as
 * Mosquitto, and lets tests publish what the embedded broker's ACL would never let through.
 */
export async function startPlainBroker(username: string, password: string) {
  const broker = await Aedes.createBroker();
  broker.authenticate = (_client, user, pass, done) => {
    if (user === username && pass?.toString() === password) return done(null, true);
    done(Object.assign(new Error('bad login'), { returnCode: 4 as const }), false);
  };
  const server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        broker.close();
      }),
  };
}
