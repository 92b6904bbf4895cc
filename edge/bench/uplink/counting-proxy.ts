import { connect, createServer, type Socket } from 'node:net';
import { MqttTally } from './mqtt-tally.js';

/**
 * A TCP relay on loopback that counts every byte it passes, per connection and per direction, so
 * CONNECT/CONNACK, PUBACKs and keep-alive pings are all in the bill. Each read is also counted as TCP
 * data segments (split at the MSS), to estimate the TCP/IP headers the proxy cannot see; that figure is
 * an estimate, and bare ACKs, handshakes and TLS are not in it.
 */

/** IPv4 + TCP without options, as the requirement asks. */
export const TCP_IP_HEADER_BYTES = 40;
/** An Ethernet/4G MTU of 1500 less those 40 bytes. */
export const MSS_BYTES = 1460;

export interface DirectionCount {
  bytes: number;
  reads: number;
  /** Estimate: each read split at the MSS. Loopback hands over one read per write when the reader keeps up. */
  segments: number;
  tally: MqttTally;
}

export interface ProxiedConnection {
  id: number;
  /** The client's ephemeral port, to match a connection to the mqtt.js client that opened it. */
  clientPort: number;
  /** Client → broker. */
  up: DirectionCount;
  /** Broker → client. */
  down: DirectionCount;
  /** What the proxy's own socket to the broker wrote and read (node's counters), for cross-checks. */
  brokerSide(): { written: number; read: number };
  closed: boolean;
}

export interface CountingProxy {
  port: number;
  connections: readonly ProxiedConnection[];
  byClientPort(port: number): ProxiedConnection | undefined;
  close(): Promise<void>;
}

const direction = (): DirectionCount => ({ bytes: 0, reads: 0, segments: 0, tally: new MqttTally() });

function relay(from: Socket, to: Socket, count: DirectionCount): void {
  from.on('data', (chunk: Buffer) => {
    count.bytes += chunk.byteLength;
    count.reads += 1;
    count.segments += Math.ceil(chunk.byteLength / MSS_BYTES);
    count.tally.push(chunk);
    if (!to.write(chunk)) from.pause();
  });
  to.on('drain', () => from.resume());
  from.on('end', () => to.end());
}

export async function startCountingProxy(brokerPort: number): Promise<CountingProxy> {
  const connections: ProxiedConnection[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const broker = connect(brokerPort, '127.0.0.1');
    // Nagle off on the relay's side, so the relay never merges or delays what the two ends wrote.
    client.setNoDelay(true);
    broker.setNoDelay(true);
    const connection: ProxiedConnection = {
      id: connections.length,
      clientPort: client.remotePort ?? 0,
      up: direction(),
      down: direction(),
      brokerSide: () => ({ written: broker.bytesWritten, read: broker.bytesRead }),
      closed: false,
    };
    connections.push(connection);
    for (const socket of [client, broker]) {
      sockets.add(socket);
      socket.on('close', () => {
        sockets.delete(socket);
        connection.closed = true;
      });
    }
    relay(client, broker, connection.up);
    relay(broker, client, connection.down);
    client.on('error', () => broker.destroy());
    broker.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('uplink bench: the proxy has no port');
  return {
    port: address.port,
    connections,
    byClientPort: (port) => connections.find((c) => c.clientPort === port),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
