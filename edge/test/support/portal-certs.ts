import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PortalTestCa {
  caFile: string;
  certFile: string;
  keyFile: string;
  remove(): Promise<void>;
}

/**
 * A throw-away CA and a certificate for the portal's hostname, made with Debian's openssl, as the
 * e2e TLS test does for the broker. Clients trust only this CA, so the handshake really validates.
 */
export async function makePortalCa(hostname: string): Promise<PortalTestCa> {
  const dir = await mkdtemp(join(tmpdir(), 'portal-ca-'));
  const at = (name: string) => join(dir, name);
  const days = ['-days', '2'];
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    await run('openssl', [
      'req',
      '-x509',
      ...key,
      '-keyout',
      at('ca.key'),
      '-out',
      at('ca.pem'),
      '-subj',
      '/CN=Portal test CA',
      ...days,
    ]);
    await run('openssl', [
      'req',
      ...key,
      '-keyout',
      at('server.key'),
      '-out',
      at('server.csr'),
      '-subj',
      `/CN=${hostname}`,
    ]);
    await writeFile(at('san.ext'), `subjectAltName=DNS:${hostname}\n`);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      at('server.csr'),
      '-CA',
      at('ca.pem'),
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-out',
      at('server.pem'),
      '-extfile',
      at('san.ext'),
      ...days,
    ]);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    caFile: at('ca.pem'),
    certFile: at('server.pem'),
    keyFile: at('server.key'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
