import { execFile } from 'node:child_process';
import { access, appendFile, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { systemClock } from '@triporteur/firmware-bridge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeaseEventsSource } from '../src/hotspot/service/lease-events-source.js';
import type { LeaseEvent } from '../src/hotspot/sessions/ports.js';
import { captureLogs } from './support/hotspot-sessions-fakes.js';
import { until } from './support/until.js';

// The lease source against the real lease hook (hardware/hotspot/lease-hook.sh, run as dnsmasq runs it)
// and real files. The namespace test (hotspot-service-netns) has dnsmasq itself call the hook.
const HOOK = fileURLToPath(new URL('../../hardware/hotspot/lease-hook.sh', import.meta.url));
const run = promisify(execFile);
const RESIDENTS = { interface: 'wlan0', subnet: '10.42.0.0/24' };
const MAC = (n: number) => `02:00:00:00:aa:${n.toString(16).padStart(2, '0')}`;

let dir: string;
let eventsPath: string;
let leaseFile: string;
let source: LeaseEventsSource | undefined;
let events: LeaseEvent[];
let logs: ReturnType<typeof captureLogs>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tpt-leases-'));
  // A directory the hook has not made yet: the source must not depend on it existing at start.
  eventsPath = join(dir, 'run', 'lease-events.jsonl');
  leaseFile = join(dir, 'dnsmasq.leases');
  events = [];
  logs = captureLogs('debug');
});

afterEach(async () => {
  await source?.stop();
  source = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** What dnsmasq does for one lease change: run the hook with the action, MAC, IP and hostname. */
async function hook(
  action: 'add' | 'old' | 'del',
  mac: string,
  ip: string,
  iface = 'wlan0',
  path = eventsPath,
): Promise<void> {
  await run('sh', [HOOK, action, mac, ip, 'Pixel-de-Samia'], {
    env: {
      PATH: process.env.PATH,
      TRIPORTEUR_LEASE_EVENTS: path,
      DNSMASQ_INTERFACE: iface,
      DNSMASQ_LEASE_EXPIRES: String(Math.floor(Date.now() / 1000) + 3600),
    },
  });
}

async function start(options: { rotateAtBytes?: number; pollMs?: number } = {}): Promise<LeaseEventsSource> {
  source = new LeaseEventsSource({
    eventsPath,
    leaseFile,
    residents: RESIDENTS,
    clock: systemClock,
    logger: logs.logger,
    ...options,
  });
  source.onLease((event) => events.push(event));
  await source.start();
  return source;
}

const inHours = (h: number) => Math.floor(Date.now() / 1000) + h * 3600;

describe('lease events from the hook', () => {
  it('follows the events appended after start, for the residents only, and keeps each address’s MAC', async () => {
    const leases = await start();
    await hook('add', MAC(1), '10.42.0.11');
    await hook('add', MAC(9), '10.43.0.11', 'wlan0staff');
    await hook('add', MAC(8), '192.168.8.50', 'eth0');
    await hook('old', MAC(2), '10.42.0.12');
    await until(() => events.length === 2, 'two resident events');
    expect(events).toEqual([
      { action: 'add', mac: MAC(1), ip: '10.42.0.11' },
      { action: 'old', mac: MAC(2), ip: '10.42.0.12' },
    ]);
    expect(leases.macOf('10.42.0.11')).toBe(MAC(1));
    expect(leases.macOf('10.43.0.11')).toBeUndefined();

    // The address moves to another phone; the late `del` of the first must not unbind the second.
    await hook('add', MAC(3), '10.42.0.11');
    await hook('del', MAC(1), '10.42.0.11');
    await until(() => events.length === 4, 'the move');
    expect(leases.macOf('10.42.0.11')).toBe(MAC(3));
    await hook('del', MAC(3), '10.42.0.11');
    await until(() => events.length === 5, 'the release');
    expect(leases.macOf('10.42.0.11')).toBeUndefined();
  });

  it('does not replay the history at start: the lease file says who holds what, expired leases left out', async () => {
    await hook('add', MAC(1), '10.42.0.11');
    await hook('add', MAC(2), '10.42.0.12');
    await writeFile(
      leaseFile,
      [
        `${inHours(1)} ${MAC(2)} 10.42.0.12 Pixel-de-Samia *`,
        `${inHours(-1)} ${MAC(4)} 10.42.0.14 * *`,
        `0 ${MAC(5)} 10.42.0.15 * 01:02:00:00:00:aa:05`,
        `${inHours(1)} ${MAC(9)} 10.43.0.11 tablette *`,
        'duid 00:01:00:01:2c:5f:aa:bb:cc:dd:ee:ff',
        '',
      ].join('\n'),
    );
    const leases = await start();
    expect(new Set(await leases.snapshot())).toEqual(
      new Set([
        { ip: '10.42.0.12', mac: MAC(2) },
        { ip: '10.42.0.15', mac: MAC(5) },
      ]),
    );
    await hook('add', MAC(6), '10.42.0.16');
    await until(() => events.length > 0, 'a new event');
    expect(events).toEqual([{ action: 'add', mac: MAC(6), ip: '10.42.0.16' }]);
  });

  it('reads a line only once it is complete, and discards malformed ones without naming anyone', async () => {
    await hook('add', MAC(1), '10.42.0.11');
    await start();
    const line = `{"v":1,"action":"add","mac":"${MAC(2)}","ip":"10.42.0.12","expires":0,"interface":"wlan0","at":1}\n`;
    await appendFile(eventsPath, line.slice(0, 40));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(events).toEqual([]);
    await appendFile(eventsPath, `${line.slice(40)}{"v":1,"action":"add","mac":"${MAC(3)}","ip":"10.42.0.300"}\n`);
    await hook('add', MAC(4), '10.42.0.14');
    await until(() => events.length === 2, 'the completed line and the next');
    expect(events.map((e) => e.mac)).toEqual([MAC(2), MAC(4)]);
    const warn = logs.lines.filter((l) => /lease-lines-discarded/.test(l));
    expect(warn).toHaveLength(1);
    expect(warn[0]).not.toContain(MAC(3));
  });

  it('follows the file across a rename (rotation) and a truncation, losing nothing and repeating nothing', async () => {
    for (const n of [1, 2, 3]) await hook('add', MAC(n), `10.42.0.1${n}`);
    await start();
    await hook('add', MAC(4), '10.42.0.14');
    await until(() => events.length === 1, 'the first event');
    // The new file appears whole, longer than the old offset: only its inode tells it is another file.
    const next = join(dir, 'next.jsonl');
    for (const n of [5, 6, 7, 8, 9]) await hook('add', MAC(n), `10.42.0.1${n}`, 'wlan0', next);
    await rename(eventsPath, `${eventsPath}.1`);
    await rename(next, eventsPath);
    await until(() => events.length === 6, 'the new file');
    await writeFile(eventsPath, '');
    await hook('add', MAC(10), '10.42.0.20');
    await until(() => events.length === 7, 'after the truncation');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.map((e) => e.mac)).toEqual([4, 5, 6, 7, 8, 9, 10].map(MAC));
  });

  it('rotates the file itself once it is large, and reads what the hook wrote meanwhile', async () => {
    await start({ rotateAtBytes: 400 });
    for (let n = 1; n <= 12; n++) await hook('add', MAC(n), `10.42.0.${10 + n}`);
    await until(() => events.length === 12, 'all twelve');
    expect(events.map((e) => e.mac)).toEqual(Array.from({ length: 12 }, (_, i) => MAC(i + 1)));
    // The rotated file is read once more, then removed: it names residents.
    await expect
      .poll(() =>
        access(`${eventsPath}.old`).then(
          () => 'present',
          () => 'gone',
        ),
      )
      .toBe('gone');
    expect(logs.lines.some((l) => /lease-events-rotated/.test(l))).toBe(true);
  });

  it('is told by fs.watch at once when the directory exists (the poll here is a minute away)', async () => {
    await mkdir(join(dir, 'run'));
    await start({ pollMs: 60_000 });
    await hook('add', MAC(1), '10.42.0.11');
    await until(() => events.length === 1, 'the event, through the watch', 5_000);
  });

  it('finds the events by polling when the directory appears only after start', async () => {
    await start({ pollMs: 50 });
    await hook('add', MAC(1), '10.42.0.11');
    await until(() => events.length === 1, 'the event, the directory made by the hook after start');
    await hook('add', MAC(2), '10.42.0.12');
    await until(() => events.length === 2, 'the next one');
  });
});
