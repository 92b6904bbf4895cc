import { createServer, type Server, type Socket } from 'node:net';

/** Lines shaped as gpsd 3.2x writes them (gpsd_json(5)); the fixes walk north from Vaulx-en-Velin. */
const VERSION = '{"class":"VERSION","release":"3.25","rev":"3.25","proto_major":3,"proto_minor":15}';
const DEVICES =
  '{"class":"DEVICES","devices":[{"class":"DEVICE","path":"/dev/ttyACM0","driver":"u-blox","activated":"2026-04-02T08:00:00.000Z","flags":1,"native":1,"bps":9600,"parity":"N","stopbits":1,"cycle":1.00}]}';
const WATCH = '{"class":"WATCH","enable":true,"json":true,"nmea":false,"raw":0,"scaled":false,"timing":false}';

function tpv(step: number, at: Date): string {
  const lat = (45.7786 + step * 0.00005).toFixed(7);
  return `{"class":"TPV","device":"/dev/ttyACM0","mode":3,"time":"${at.toISOString()}","lat":${lat},"lon":4.9217000,"altHAE":221.4,"altMSL":171.8,"track":0.0,"speed":3.9,"eph":4.2}`;
}

/**
 * A stand-in gpsd on a loopback port: VERSION on connect, DEVICES and WATCH in answer to ?WATCH,
 * then one TPV every `intervalMs` to each watcher. Enough of the protocol for GpsdClient.
 */
export class FakeGpsd {
  private readonly sockets = new Set<Socket>();
  private step = 0;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly server: Server,
    intervalMs: number,
  ) {
    server.on('connection', (socket) => this.accept(socket));
    this.timer = setInterval(() => this.report(), intervalMs);
  }

  static async start(port: number, intervalMs = 200): Promise<FakeGpsd> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return new FakeGpsd(server, intervalMs);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
    socket.setEncoding('utf8');
    socket.write(`${VERSION}\r\n`);
    socket.on('data', (chunk: string) => {
      if (!chunk.includes('?WATCH=')) return;
      socket.write(`${DEVICES}\r\n${WATCH}\r\n`);
      this.sockets.add(socket);
    });
  }

  private report(): void {
    const line = `${tpv(this.step++, new Date())}\r\n`;
    for (const socket of this.sockets) socket.write(line);
  }
}
