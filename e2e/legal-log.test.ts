import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRange } from '../edge/src/legal-log/export.js';
import { generateKeyPair } from '../edge/src/legal-log/seal.js';
import { acceptByForm } from './support/captive/residents.js';
import { connectFromPort, LegalLogHotspot } from './support/legal-log.js';
import { type Client, createHarness, type Harness, internetHost, PLAN } from './support/netns/index.js';

// Issue 8, item 1: the legal connection log end to end, with the REAL conntrack. The AP namespace runs
// the real dnsmasq and the edge's hotspot service with the legal log on (conntrack -E beside it); a
// phone takes a lease, is accepted by the portal, opens TCP connections to the harness's Internet from
// chosen source ports. The association's private key then exports the range. Run `npx tsc -b` first.

const SOURCE_PORTS = [42_101, 42_102, 42_103];
const SERVER = internetHost('neverssl.com').ipv4 ?? '';

let h: Harness;
let phone: Client;
let legal: LegalLogHotspot;
let keys: { identity: string; recipient: string };
let phoneMac: string;
let phoneIp: string;
let acceptedAt: number;
let startedAt: number;

beforeAll(async () => {
  startedAt = Date.now();
  keys = await generateKeyPair();
  h = await createHarness({ clients: 1 });
  [phone] = h.clients as [Client];
  legal = await LegalLogHotspot.start(h, keys.recipient);
  phoneIp = (await phone.dhcp()).lease.ip;
  phoneMac = await phone.mac();
  acceptedAt = Date.now();
  const { login } = await acceptByForm(phone);
  expect(login.status).toBe(200);
  for (const port of SOURCE_PORTS) expect(await connectFromPort(phone, SERVER, 80, port)).toBe('CONNECTED');
  await legal.stop();
}, 90_000);

afterAll(async () => {
  await h?.close();
});

async function exported(from: number, to: number) {
  const lines: string[] = [];
  const summary = await exportRange({
    directory: legal.directory,
    identity: keys.identity,
    from,
    to,
    format: 'json',
    write: (line) => lines.push(line),
  });
  return { summary, records: lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('the legal connection log in the namespace harness', () => {
  it('holds the accepted phone’s session: its MAC, its address, when it began', async () => {
    const { summary, records } = await exported(startedAt, Date.now());
    expect(summary.problems).toEqual([]);
    const start = records.find((record) => record.kind === 'session-start');
    expect(start).toMatchObject({ ip: phoneIp, mac: phoneMac.toLowerCase() });
    const at = Date.parse(String(start?.at));
    expect(at).toBeGreaterThanOrEqual(acceptedAt - 1_000);
    expect(at).toBeLessThanOrEqual(Date.now());
  });

  it('maps each of its connections from its source port to the AP’s uplink address', async () => {
    const { records } = await exported(startedAt, Date.now());
    const nat = records.filter((record) => record.kind === 'nat' && record.ip === phoneIp);
    for (const port of SOURCE_PORTS) {
      const mappings = nat.filter((record) => record.port === port);
      expect(
        mappings.map((record) => record.event),
        `source port ${port}`,
      ).toContain('new');
      for (const record of mappings) {
        expect(record).toMatchObject({ proto: 'tcp', natIp: PLAN.ap.uplink4, natPort: expect.any(Number) });
      }
    }
    // Where the phone went is not the log's business.
    expect(JSON.stringify(records)).not.toContain(SERVER);
  });

  it('keeps neither the MAC nor the address in clear on disk; 0700 directory, 0600 files', async () => {
    expect((await stat(legal.directory)).mode & 0o777).toBe(0o700);
    const names = await readdir(legal.directory);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const path = join(legal.directory, name);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      const text = await readFile(path, 'latin1');
      expect(text).not.toContain(phoneIp);
      expect(text.toLowerCase()).not.toContain(phoneMac.toLowerCase());
    }
  });

  it('says nothing of who or where at info level in the service’s own log', async () => {
    const info = (await legal.logLines()).filter((line) => Number(line.level) >= 30);
    const text = JSON.stringify(info).toLowerCase();
    expect(text).not.toContain(phoneIp);
    expect(text).not.toContain(phoneMac.toLowerCase());
    expect(info.some((line) => line.event === 'legal-log-started')).toBe(true);
  });
});
