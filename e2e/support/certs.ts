import { execFile } from 'node:child_process';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCa {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** A throw-away CA and a server certificate for localhost/127.0.0.1, made with Debian's openssl. */
export async function makeTestCa(): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), 'test-ca-'));
  const at = (name: string) => join(dir, name);
  const days = ['-days', '2'];
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    at('ca.key'),
    '-out',
    at('ca.pem'),
    '-subj',
    '/CN=Triporteur test CA',
    ...days,
  ]);
  await run('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    at('server.key'),
    '-out',
    at('server.csr'),
    '-subj',
    '/CN=localhost',
  ]);
  await writeFile(at('san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
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
  // mosquitto drops to its own user when started as root: it must still read the key.
  await chmod(dir, 0o755);
  for (const name of ['ca.pem', 'server.pem', 'server.key']) await chmod(at(name), 0o644);
  return { caFile: at('ca.pem'), certFile: at('server.pem'), keyFile: at('server.key') };
}
