import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface IssuedCertificate {
  certFile: string;
  keyFile: string;
}

export interface TestCa {
  /** What clients trust (mqtt.js `ca`, curl --cacert). */
  caFile: string;
  /** A server certificate for these DNS names (and IP addresses), signed by this CA. */
  issue(label: string, dnsNames: readonly string[], ipAddresses?: readonly string[]): Promise<IssuedCertificate>;
  /** Deletes the CA's directory; only when createTestCa made it. */
  remove(): Promise<void>;
}

// P-256 keys: a fraction of RSA's generation time, and every client here (Node, curl, Mosquitto) speaks ECDSA.
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const VALIDITY = ['-days', '2'];

/**
 * A throw-away CA made with Debian's openssl, for the tests' TLS: the broker's, the portal's RFC 8908
 * API, the fake Internet's HTTPS. Clients trust only this CA, so every handshake really validates.
 * In `dir` when given (a harness's own folder), else in a fresh temporary one. Files are readable by
 * all: Mosquitto drops to its own user when started as root and must still read its key.
 */
export async function createTestCa(dir?: string): Promise<TestCa> {
  const home = dir ?? (await mkdtemp(join(tmpdir(), 'test-ca-')));
  const at = (name: string) => join(home, name);
  const caFile = at('ca.pem');
  const caKey = at('ca.key');
  const remove = () => (dir === undefined ? rm(home, { recursive: true, force: true }) : Promise.resolve());
  try {
    await run('openssl', [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      caKey,
      '-out',
      caFile,
      '-subj',
      '/CN=Triporteur test CA',
      ...VALIDITY,
    ]);
    if (dir === undefined) await chmod(home, 0o755);
  } catch (err) {
    await remove();
    throw err;
  }
  return {
    caFile,
    remove,
    async issue(label, dnsNames, ipAddresses = []) {
      const keyFile = at(`${label}.key`);
      const certFile = at(`${label}.pem`);
      const csr = at(`${label}.csr`);
      const ext = at(`${label}.ext`);
      const san = [...dnsNames.map((name) => `DNS:${name}`), ...ipAddresses.map((ip) => `IP:${ip}`)];
      await writeFile(ext, `subjectAltName=${san.join(',')}\nextendedKeyUsage=serverAuth\n`);
      await run('openssl', ['req', ...EC_KEY, '-keyout', keyFile, '-out', csr, '-subj', `/CN=${dnsNames[0] ?? label}`]);
      await run('openssl', [
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        caFile,
        '-CAkey',
        caKey,
        '-CAcreateserial',
        '-out',
        certFile,
        '-extfile',
        ext,
        ...VALIDITY,
      ]);
      for (const file of [caFile, certFile, keyFile]) await chmod(file, 0o644);
      return { certFile, keyFile };
    },
  };
}
