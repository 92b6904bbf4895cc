import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@triporteur/firmware-bridge';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateLegalLogSection } from '../src/legal-log/config.js';
import { createProcessSpawner } from '../src/legal-log/conntrack/spawner.js';
import { type RunningLegalLog, startLegalLog } from '../src/legal-log/legal-log.js';
import type { LegalRecord, NatRecord } from '../src/legal-log/records.js';
import { generateKeyPair } from '../src/legal-log/seal.js';
import { readRange } from '../src/legal-log/store/reader.js';
import { NetnsLab } from './support/hotspot-netns.js';

// The legal log with the REAL conntrack, in namespaces: a client behind a Pi that masquerades its
// subnet out of `uplink`, a server on "the Internet". Connections from fixed source ports must come out
// of the sealed files as NAT mappings to the Pi's uplink address; killing conntrack must leave a gap
// record and a restarted stream.

const SUBNET = '10.42.0.0/24';
const CLIENT = '10.42.0.50';
const PI_LAN = '10.42.0.1';
const PI_UPLINK = '192.168.8.100';
const SERVER = '203.0.113.10';
const MAC = '02:00:00:00:0c:01';

const SERVE = `require('node:net').createServer((s) => s.end('hi')).listen(80, '${SERVER}', () => console.log('listening'));`;
const CONNECT = `
const s = require('node:net').connect({ host: process.argv[1], port: 80, localPort: Number(process.argv[2]) });
s.on('data', () => {}); s.on('end', () => { s.destroy(); console.log('done'); });
s.on('error', (e) => { console.log(e.code); process.exit(1); });`;

const lab = new NetnsLab();
const ns = { ap: '', client: '', inet: '' };
let keys: { identity: string; recipient: string };
let directory: string;
let log: RunningLegalLog;
const startedAt = Date.now();

const connectFrom = (localPort: number) =>
  lab.sh(ns.client, process.execPath, ['-e', CONNECT, SERVER, String(localPort)]);

async function readAll(): Promise<LegalRecord[]> {
  await log.flush();
  return (await readRange({ directory, identity: keys.identity, from: startedAt - 1_000, to: Date.now() + 1_000 }))
    .records;
}

const natFor = (records: LegalRecord[], port: number) =>
  records.filter((record): record is NatRecord => record.kind === 'nat' && record.port === port);

/** conntrack subscribes a moment after it is spawned: connect until one shows up in the log. */
async function untilLogged(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    await connectFrom(port);
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (natFor(await readAll(), port).length > 0) return;
    if (Date.now() > deadline) throw new Error(`conntrack never logged a connection from port ${port}`);
  }
}

beforeAll(async () => {
  for (const role of ['ap', 'client', 'inet'] as const) ns[role] = await lab.add(role);
  await lab.veth({ ns: ns.client, name: 'wlan0' }, { ns: ns.ap, name: 'br0' });
  await lab.veth({ ns: ns.ap, name: 'uplink' }, { ns: ns.inet, name: 'lan0' });
  const ip = (where: string, ...args: string[]) => lab.sh(where, 'ip', args);
  await ip(ns.client, 'link', 'set', 'wlan0', 'address', MAC);
  await ip(ns.client, 'addr', 'add', `${CLIENT}/24`, 'dev', 'wlan0');
  await ip(ns.client, 'link', 'set', 'wlan0', 'up');
  await ip(ns.client, 'route', 'add', 'default', 'via', PI_LAN);
  await ip(ns.ap, 'addr', 'add', `${PI_LAN}/24`, 'dev', 'br0');
  await ip(ns.ap, 'addr', 'add', `${PI_UPLINK}/24`, 'dev', 'uplink');
  await ip(ns.ap, 'link', 'set', 'br0', 'up');
  await ip(ns.ap, 'link', 'set', 'uplink', 'up');
  await ip(ns.ap, 'route', 'add', 'default', 'via', '192.168.8.1');
  await ip(ns.inet, 'addr', 'add', '192.168.8.1/24', 'dev', 'lan0');
  await ip(ns.inet, 'addr', 'add', `${SERVER}/32`, 'dev', 'lo');
  await ip(ns.inet, 'link', 'set', 'lan0', 'up');
  await lab.sh(ns.ap, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
  const nat = `table inet legaltest {\n chain post {\n  type nat hook postrouting priority srcnat;\n  oifname "uplink" ip saddr ${SUBNET} masquerade\n }\n}\n`;
  const { runChecked } = await import('../src/hotspot/system/command.js');
  await runChecked(lab.runner(ns.ap), 'nft', ['-f', '-'], { input: nat });
  await lab.start(ns.inet, process.execPath, ['-e', SERVE], { ready: /listening/ });

  keys = await generateKeyPair();
  directory = join(await mkdtemp(join(tmpdir(), 'legal-netns-')), 'log');
  const section = validateLegalLogSection({ directory, publicKey: keys.recipient, flushIntervalMs: 200 });
  log = await startLegalLog(section, {
    residentsSubnet: SUBNET,
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    spawner: createProcessSpawner({ netns: ns.ap }),
    conntrack: { restartDelayMs: 200, maxRestartDelayMs: 400 },
  });
  await untilLogged(41_000);
}, 60_000);

afterAll(async () => {
  await log?.stop();
  await lab.cleanup();
});

describe('the legal log over the real conntrack', () => {
  it('records the session and each connection as private ↔ translated address and port', async () => {
    log.observer.sessionStarted({ ip: CLIENT, mac: MAC, at: Date.now() });
    await connectFrom(41_001);
    await connectFrom(41_002);
    // TCP flows linger in TIME_WAIT; deleting them is what makes conntrack report their end now.
    await lab.sh(ns.ap, 'conntrack', ['-D', '-s', CLIENT]);
    const records = await waitForRecords((all) => natFor(all, 41_002).some((record) => record.event === 'destroy'));
    expect(records).toContainEqual(expect.objectContaining({ kind: 'session-start', ip: CLIENT, mac: MAC }));
    for (const port of [41_001, 41_002]) {
      const mappings = natFor(records, port);
      expect(
        mappings.map((record) => record.event),
        `port ${port}`,
      ).toEqual(['new', 'destroy']);
      for (const record of mappings) {
        expect(record).toMatchObject({ proto: 'tcp', ip: CLIENT, natIp: PI_UPLINK, natPort: port });
        expect(Math.abs(record.at - Date.now())).toBeLessThan(60_000);
      }
    }
    expect(JSON.stringify(records)).not.toContain(SERVER);
  });

  it('logs neither the Pi’s own connections nor the residents’ traffic to the Pi itself', async () => {
    await lab.try(ns.ap, process.execPath, ['-e', CONNECT, SERVER, '41010']);
    await lab.try(ns.client, process.execPath, ['-e', CONNECT, PI_LAN, '41011']);
    await connectFrom(41_012);
    const records = await waitForRecords((all) => natFor(all, 41_012).length > 0);
    expect(natFor(records, 41_010)).toEqual([]);
    expect(natFor(records, 41_011)).toEqual([]);
  });

  it('restarts a killed conntrack and records the gap', async () => {
    const pids = (await lab.sh(ns.ap, 'ip', ['netns', 'pids', ns.ap])).stdout.split('\n').filter(Boolean);
    const conntrack = [];
    for (const pid of pids) {
      const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
      if (comm.trim() === 'conntrack') conntrack.push(Number(pid));
    }
    expect(conntrack).toHaveLength(1);
    process.kill(conntrack[0] ?? 0, 'SIGKILL');
    await untilLogged(41_020);
    const records = await readAll();
    expect(records).toContainEqual(expect.objectContaining({ kind: 'gap', reason: 'conntrack-down' }));
  });

  it('keeps the MAC and the address out of the files on disk', async () => {
    await log.flush();
    for (const name of await readdir(directory)) {
      const text = await readFile(join(directory, name), 'latin1');
      expect(text).not.toContain(MAC);
      expect(text).not.toContain(CLIENT);
      expect(text).not.toContain(PI_UPLINK);
    }
  });
});

async function waitForRecords(done: (records: LegalRecord[]) => boolean): Promise<LegalRecord[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const records = await readAll();
    if (done(records)) return records;
    if (Date.now() > deadline) throw new Error(`timed out; records so far: ${JSON.stringify(records)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
