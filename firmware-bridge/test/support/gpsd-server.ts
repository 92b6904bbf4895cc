import { createServer, type Server, type Socket } from 'node:net';
import { DEVICES_LINE, VERSION_LINE, WATCH_LINE } from '../vectors/gpsd.js';

/**
 * A small gpsd on a loopback port, speaking gpsd's own JSON protocol with real gpsd lines
 * (test/vectors/gpsd.ts): VERSION on connect, DEVICES then WATCH in answer to ?WATCH, ERROR for
 * an unknown request, and reports only to clients that enabled a watch. Tests push the reports.
 */
export interface TestGpsdOptions {
  /** First line on connect; null says nothing, like a hung daemon. Default: a gpsd 3.27 VERSION. */
  banner?: string | null;
  /** Listen on this port (to come back where a client expects gpsd); a free one by default. */
  port?: number;
}

export class TestGpsd {
  /** Every request line received, in order. */
  readonly requests: string[] = [];
  /** Connections accepted since start. */
  accepted = 0;
  private readonly sockets = new Set<Socket>();
  private readonly watching = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly banner: string | null,
  ) {}

  static async start(options: TestGpsdOptions = {}): Promise<TestGpsd> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    const gpsd = new TestGpsd(server, address.port, options.banner === undefined ? VERSION_LINE : options.banner);
    server.on('connection', (socket) => gpsd.accept(socket));
    return gpsd;
  }

  /** Clients connected right now. */
  get clients(): number {
    return this.sockets.size;
  }

  get watchers(): number {
    return this.watching.size;
  }

  /** Sends report lines (CR LF terminated, as gpsd does) to every watching client. */
  report(...lines: string[]): void {
    for (const socket of this.watching) socket.write(lines.map((line) => `${line}\r\n`).join(''));
  }

  /** Sends raw text to every connected client, watching or not. */
  raw(text: string): void {
    for (const socket of this.sockets) socket.write(text);
  }

  /** Hangs up on every client, as a restarting gpsd does. */
  dropClients(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.dropClients();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.accepted++;
    this.sockets.add(socket);
    socket.setEncoding('utf8');
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.watching.delete(socket);
    });
    socket.on('error', () => undefined);
    if (this.banner !== null) socket.write(`${this.banner}\r\n`);
    let pending = '';
    socket.on('data', (chunk: string) => {
      pending += chunk;
      // gpsd ends a command at ';' or at a line end.
      for (let end = pending.search(/[;\n]/); end >= 0; end = pending.search(/[;\n]/)) {
        const request = pending.slice(0, end).trim();
        pending = pending.slice(end + 1);
        if (request.length > 0) this.answer(socket, request);
      }
    });
  }

  private answer(socket: Socket, request: string): void {
    this.requests.push(request);
    const watch = /^\?WATCH=(\{.*\})$/.exec(request);
    if (watch !== null) {
      const args = JSON.parse(watch[1] ?? '{}') as { enable?: boolean; device?: string };
      if (args.enable === false) this.watching.delete(socket);
      else this.watching.add(socket);
      const echo = args.device === undefined ? WATCH_LINE : `${WATCH_LINE.slice(0, -1)},"device":"${args.device}"}`;
      socket.write(`${DEVICES_LINE}\r\n${echo}\r\n`);
      return;
    }
    if (request === '?VERSION' && this.banner !== null) {
      socket.write(`${this.banner}\r\n`);
      return;
    }
    socket.write(`{"class":"ERROR","message":"Unrecognized request '${request}'"}\r\n`);
  }
}
