import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';

export interface NetResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface NetRequest {
  port: number;
  path: string;
  host: string;
  /** The client's source address on loopback (127.0.0.2 is a second "phone"). */
  localAddress?: string;
  method?: string;
  /** Set for HTTPS: the CA to trust; the TLS name is `host`. */
  ca?: Buffer;
  /** A Host header other than the TLS name (a forged one). */
  headersHost?: string;
}

/** One request over a fresh connection, to 127.0.0.1 with the given Host (and SNI over TLS). */
export function send(req: NetRequest): Promise<NetResponse> {
  return new Promise((resolve, reject) => {
    const options = {
      host: '127.0.0.1',
      port: req.port,
      path: req.path,
      method: req.method ?? 'GET',
      headers: { host: req.headersHost ?? req.host },
      localAddress: req.localAddress,
      agent: false as const,
    };
    const handle = (res: import('node:http').IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    };
    const r = req.ca
      ? httpsRequest({ ...options, ca: req.ca, servername: req.host }, handle)
      : httpRequest(options, handle);
    r.on('error', reject);
    r.end();
  });
}

/** Writes raw bytes and returns everything the server sends before it closes the connection. */
export function exchangeRaw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('end', () => resolve(received));
    socket.on('close', () => resolve(received));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve(received) : reject(err)));
    socket.write(bytes);
  });
}

/** The status code and x-error-code header of a raw HTTP/1.1 response. */
export function parseRaw(text: string): { status: number; code: string | undefined; body: string } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  const code = /\r\nx-error-code: ([A-Z_]+)\r\n/i.exec(text)?.[1];
  return { status, code, body: text.split('\r\n\r\n').slice(1).join('\r\n\r\n') };
}
