import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from './run.js';

export interface IssuedCertificate {
  certFile: string;
  keyFile: string;
}

export interface HarnessCa {
  /** What clients trust (curl --cacert). */
  caFile: string;
  /** A certificate for these DNS names (and IP addresses), signed by this CA. */
  issue(label: string, dnsNames: readonly string[], ipAddresses?: readonly string[]): Promise<IssuedCertificate>;
}

// P-256 keys: a fraction of RSA's generation time, and every client here speaks ECDSA.
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const VALIDITY = ['-days', '2'];

/** A throw-away CA in `dir` made with Debian's openssl: the fake Internet's HTTPS and the portal's API. */
export async function createHarnessCa(dir: string): Promise<HarnessCa> {
  const at = (name: string) => join(dir, name);
  const caFile = at('ca.pem');
  const caKey = at('ca.key');
  await runCommand('openssl', [
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    caKey,
    '-out',
    caFile,
    '-subj',
    '/CN=Triporteur netns harness CA',
    ...VALIDITY,
  ]);
  return {
    caFile,
    async issue(label, dnsNames, ipAddresses = []) {
      const keyFile = at(`${label}.key`);
      const certFile = at(`${label}.pem`);
      const csr = at(`${label}.csr`);
      const ext = at(`${label}.ext`);
      const san = [...dnsNames.map((name) => `DNS:${name}`), ...ipAddresses.map((ip) => `IP:${ip}`)];
      await writeFile(ext, `subjectAltName=${san.join(',')}\nextendedKeyUsage=serverAuth\n`);
      await runCommand('openssl', ['req', ...EC_KEY, '-keyout', keyFile, '-out', csr, '-subj', `/CN=${dnsNames[0]}`]);
      await runCommand('openssl', [
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
      return { certFile, keyFile };
    },
  };
}
