import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { createTestCa, type Mosquitto, startMosquitto, type TestCa } from '@triporteur/edge/testing';
import type { ProtocolName } from '@triporteur/firmware-bridge';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDoctorCommand } from '../edge/src/cli/doctor.js';
import { validateEdgeConfig } from '../edge/src/config/load.js';
import { DoctorCode } from '../edge/src/doctor/codes.js';
import type { DoctorSeams } from '../edge/src/doctor/context.js';
import { exitCodeOf } from '../edge/src/doctor/outcome.js';
import { runDoctor } from '../edge/src/doctor/run-doctor.js';
import type { DoctorReport } from '../edge/src/doctor/runner.js';
import { type CommandResult, type CommandRunner, createExecFileRunner } from '../edge/src/hotspot/system/command.js';
import { type RecordedCommand, RecordingRunner } from '../edge/src/hotspot/system/recording-runner.js';
import { Outbox } from '../edge/src/uplink/outbox.js';
import { CHRONY_NTP, IS_ACTIVE, NTP_SYNCHRONIZED } from '../edge/test/fixtures/doctor-outputs.js';
import { connectedModem } from '../edge/test/fixtures/mmcli-outputs.js';
import { piTree } from '../edge/test/fixtures/wifi-sysfs.js';
import { type SerialDeviceRig, type SerialFault, startSerialDevice } from '../edge/test/support/serial-faults.js';
import { CaptiveHotspot, startDnsmasq } from './support/captive/hotspot.js';
import { createHarness, type Harness, type ManagedProcess } from './support/netns/index.js';

// Issue 9, item 7: doctor against a whole simulated unit, then one injected fault at a time. The unit is
// the workshop's config template (hardware/config/triporteur.example.json) with its paths pointed at:
// - its four serial devices, each a real simulator on a pseudo-terminal behind a udev-like stable name;
// - the real hotspot in the namespace harness: dnsmasq, and the edge's hotspot service (its nft table,
//   its portal), so nft-ruleset reads the kernel's table inside the AP and portal asks the real portal;
// - Debian's Mosquitto over TLS with the unit's credentials, and an outbox on a tmpfs data partition.
// What this machine cannot be answers from recorded outputs: hostapd cannot run without a radio, systemd
// is not PID 1 (so `systemctl is-active` comes from the recording runner; for dnsmasq, which does run
// here, the answer follows its real process), and the clock, 4G modem, Wi-Fi chip and SD card are a
// healthy Pi's (captured tool outputs, a /sys and /proc tree). Run `npx tsc -b` first: the hotspot
// service runs from edge's build.

const EXAMPLE_CONFIG = new URL('../hardware/config/triporteur.example.json', import.meta.url);
const UNIT_PASSWORD = 'secret-du-provisionnement-de-test';
const INGEST = { username: 'dashboard-ingest', password: 'ingest-secret-for-test' };
/** Per check, well above the 20 s the command line allows: a loaded 2-core CI must not turn a slow probe into a crash. */
const CHECK_LIMIT_MS = 60_000;
const TEST_TIMEOUT_MS = 120_000;

/** Every check of this unit, in the table's order: nothing is left out as not configured. */
const CHECK_IDS = [
  'serial-bms-path',
  'serial-bms',
  'serial-motor-path',
  'serial-motor',
  'serial-gps-path',
  'serial-gps',
  'gps-fix',
  'serial-aux-path',
  'serial-aux',
  'clock',
  'service-hostapd',
  'service-dnsmasq',
  'nft-ruleset',
  'portal',
  'wifi-ceiling',
  'broker',
  'outbox',
  'event-journal',
  'modem',
  'disk',
  'sd-wear',
];
const HEALTHY: Record<string, string> = Object.fromEntries(CHECK_IDS.map((id) => [id, `pass ${DoctorCode.OK}`]));

const run = promisify(execFile);

type Section = 'bms' | 'motor' | 'gps' | 'aux';
const PROTOCOL: Record<Section, ProtocolName> = { bms: 'jbd', motor: 'vesc', gps: 'nmea', aux: 'firmata' };
/** The names hardware/udev/99-triporteur.rules gives the adapters (edge/src/doctor/serial/devices.ts). */
const UDEV_NAME: Record<Section, string> = {
  bms: 'triporteur-bms',
  motor: 'triporteur-motor',
  gps: 'triporteur-gps',
  aux: 'triporteur-arduino',
};
/** The BMS line re-times bytes at the real speeds (9600 baud, JBD's own): a wrong speed in the config shows. */
const HEALTHY_BMS: SerialFault = { deviceBaud: 9600 };

/** The unit's USB-serial adapters: a simulator on a pty each, linked under its stable name in a private /dev. */
class Adapters {
  private readonly rigs = new Map<Section, SerialDeviceRig>();

  constructor(private readonly dir: string) {}

  path(section: Section): string {
    return join(this.dir, UDEV_NAME[section]);
  }

  /** Plugs a device in (replacing the one there), with a wiring fault if given; udev makes its link. */
  async plug(section: Section, fault?: SerialFault): Promise<void> {
    await this.rigs.get(section)?.close();
    const rig = await startSerialDevice(PROTOCOL[section], fault === undefined ? {} : { fault });
    this.rigs.set(section, rig);
    await rm(this.path(section), { force: true });
    await symlink(rig.path, this.path(section));
  }

  /** Pulls the adapter out: its pty goes, and udev removes its link. */
  async unplug(section: Section): Promise<void> {
    await this.rigs.get(section)?.unplug();
    await rm(this.path(section), { force: true });
  }

  async close(): Promise<void> {
    for (const rig of this.rigs.values()) await rig.close();
  }
}

/**
 * A TCP connection opened inside a network namespace by a short-lived node, handed to this process over
 * Node's IPC channel (Namespace.listen does the same for listening sockets): doctor's portal probe then
 * leaves from the Pi's side, where the portal listens on the residents' address.
 */
const CONNECT_HELPER = `
const net = require('node:net');
// A listener keeps the IPC channel referenced: the helper waits for the parent to hang up.
process.once('disconnect', () => undefined);
const [host, port] = process.argv.slice(1);
const socket = net.connect({ host, port: Number(port) });
socket.once('connect', () => process.send({ ok: true }, socket));
socket.once('error', (e) => process.send({ ok: false, code: e.code, message: e.message }));
`;

function connectInside(netns: string, host: string, port: number, timeoutMs = 15_000): Promise<Socket> {
  const child = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', CONNECT_HELPER, host, String(port)], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise<Socket>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no connection to ${host}:${port} from ${netns} in ${timeoutMs} ms`));
    }, timeoutMs);
    // The helper lives until this side hangs up, so its exit never overtakes the socket it sent.
    child.once('message', (message: { ok: boolean; code?: string; message?: string }, handle) => {
      clearTimeout(timer);
      child.disconnect();
      if (message.ok) return resolve(handle as Socket);
      reject(Object.assign(new Error(message.message ?? 'connect failed'), { code: message.code }));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      // After a message this changes nothing: the promise is settled.
      reject(new Error(`connect helper in ${netns} exited ${code}: ${stderr}`));
    });
  });
}

/**
 * What systemd would say of a unit whose main process is `pid`: alive (kill -0) and still that program,
 * not a zombie, which kill -0 alone would count as running.
 */
async function processAlive(pid: number | undefined, program: string): Promise<boolean> {
  if (pid === undefined) return false;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const match = /^\d+ \((.*)\) (\S)/.exec(stat);
  return match?.[1] === program && match[2] !== 'Z';
}

/**
 * The commands doctor runs on this unit: nft inside the AP namespace, for real; the rest from a recording
 * runner, because systemd is not PID 1 here and there is no modem, and the answers are a healthy Pi's
 * (edge/test/fixtures: systemctl and timedatectl formats from systemd's source, chronyc from chrony's,
 * mmcli from ModemManager's). Anything else doctor might run has no answer and crashes its check.
 */
function unitCommands(apNetns: string, dnsmasqRunning: () => Promise<boolean>) {
  const modem = connectedModem();
  const answer = async (command: RecordedCommand): Promise<CommandResult> => {
    const line = [command.file, ...command.args].join(' ');
    if (line === 'systemctl is-active hostapd.service') return IS_ACTIVE.active; // no radio: hostapd cannot run
    if (line === 'systemctl is-active triporteur-dnsmasq.service') {
      // dnsmasq does run, in the AP namespace: the unit's state follows its real process.
      return (await dnsmasqRunning()) ? IS_ACTIVE.active : IS_ACTIVE.inactive;
    }
    if (line === 'timedatectl show -p NTPSynchronized') return NTP_SYNCHRONIZED;
    // The edge reads the NMEA GPS itself (no gpsd), so chrony follows NTP over the 4G link.
    if (line === 'chronyc -n tracking') return CHRONY_NTP;
    if (command.file === 'mmcli') return modem(command);
    throw new Error(`the simulated unit has no recorded answer for \`${line}\``);
  };
  const recorded = new RecordingRunner(answer);
  const insideAp = createExecFileRunner({ netns: apNetns });
  const runner: CommandRunner = {
    run: (file, args, options) => (file === 'nft' ? insideAp : recorded).run(file, args, options),
  };
  return { runner, recorded };
}

/**
 * A healthy Raspberry Pi 4's /sys and /proc: the on-board CYW43455 on its minimal firmware (19 clients,
 * edge/test/fixtures/wifi-sysfs.ts), and its root on the SD card: a /proc/self/mountinfo line in proc(5)'s
 * format for mmcblk0p2 (179:2), /sys/dev/block/179:2 → …/mmcblk0/mmcblk0p2, device/type "SD" (a plain
 * card reports no wear estimate, drivers/mmc/core/sd.c) and ext4's counters with no error.
 */
async function healthyPiRoot(): Promise<string> {
  const tree = await piTree('minimal');
  await tree.put('proc/self/mountinfo', '23 1 179:2 / / rw,noatime shared:1 - ext4 /dev/root rw\n');
  const disk = 'devices/platform/emmc2bus/fe340000.mmc/mmc_host/mmc0/mmc0:aaaa/block/mmcblk0';
  await tree.put(`sys/${disk}/mmcblk0p2/partition`, '2\n');
  await tree.put(`sys/${disk}/device/type`, 'SD\n');
  await tree.link('sys/dev/block/179:2', `../../${disk}/mmcblk0p2`);
  await tree.link('sys/block/mmcblk0', `../${disk}`);
  await tree.put('sys/fs/ext4/mmcblk0p2/lifetime_write_kbytes', '1887436800\n');
  await tree.put('sys/fs/ext4/mmcblk0p2/errors_count', '0\n');
  return tree.root;
}

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

let harness: Harness;
let hotspot: CaptiveHotspot;
/** The running dnsmasq (the first one is hotspot.dnsmasq; a test restarts it). */
let dnsmasq: ManagedProcess;
let broker: Mosquitto;
let fleetCa: TestCa;
let adapters: Adapters;
let work: string;
let dataDir: string;
let root: string;
let example: Record<string, Record<string, unknown>>;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  harness = await createHarness();
  cleanups.push(() => harness.close());
  hotspot = await CaptiveHotspot.startDnsmasq(harness);
  dnsmasq = hotspot.dnsmasq;
  await hotspot.startService();

  fleetCa = await createTestCa();
  cleanups.push(() => fleetCa.remove());
  example = JSON.parse(await readFile(EXAMPLE_CONFIG, 'utf8')) as typeof example;
  const unit = String(example.mqtt?.username);
  const tls = { caFile: fleetCa.caFile, ...(await fleetCa.issue('broker', ['localhost'], ['127.0.0.1'])) };
  broker = await startMosquitto({ [unit]: UNIT_PASSWORD, [INGEST.username]: INGEST.password }, INGEST.username, tls);
  cleanups.push(() => broker.stop());

  work = await mkdtemp(join(tmpdir(), 'doctor-unit-'));
  cleanups.push(() => rm(work, { recursive: true, force: true }));
  // /var/lib/triporteur on its own small partition, so the disk line reads it and not this machine's disk.
  dataDir = join(work, 'data');
  await mkdir(dataDir);
  await run('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', dataDir]);
  cleanups.push(() => run('umount', [dataDir]));
  // A fresh backlog (a batch in flight for two minutes), and an events journal with nothing pending.
  const outbox = new Outbox(join(dataDir, 'outbox.db'), { clock: { now: () => Date.now() } });
  const now = Date.now();
  const bootId = 'boot-doctor-unit';
  outbox.append([120_000, 60_000].map((age, seq) => ({ bootId, seq, ts: now - age, alarm: false, payload: '{}' })));
  outbox.close();
  new Outbox(join(dataDir, 'events.db'), { clock: { now: () => Date.now() } }).close();

  adapters = new Adapters(join(work, 'dev'));
  await mkdir(join(work, 'dev'));
  cleanups.push(() => adapters.close());
  await adapters.plug('bms', HEALTHY_BMS);
  await Promise.all((['motor', 'gps', 'aux'] as const).map((section) => adapters.plug(section)));

  root = await healthyPiRoot();
  cleanups.push(() => rm(root, { recursive: true, force: true }));
}, 180_000);

afterAll(async () => {
  const errors: unknown[] = [];
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => errors.push(error));
  if (errors.length > 0) throw new AggregateError(errors, 'doctor-unit cleanup failed');
}, 60_000);

/** The unit's config file content: the template, pointed at the simulated parts; `change` is the fault. */
function unitConfig(change: { bmsBaudRate?: number; password?: string } = {}) {
  return {
    ...example,
    bms: {
      ...example.bms,
      path: adapters.path('bms'),
      ...(change.bmsBaudRate ? { baudRate: change.bmsBaudRate } : {}),
    },
    motor: { ...example.motor, path: adapters.path('motor') },
    gps: { ...example.gps, path: adapters.path('gps') },
    aux: { ...example.aux, path: adapters.path('aux') },
    mqtt: { ...example.mqtt, url: broker.url, password: change.password ?? UNIT_PASSWORD, caFile: fleetCa.caFile },
    hotspot: hotspot.section,
    outbox: { ...example.outbox, path: join(dataDir, 'outbox.db') },
  };
}

function unitSeams() {
  const commands = unitCommands(harness.ap.name, () => processAlive(dnsmasq.pid, 'dnsmasq'));
  const connections: string[] = [];
  const seams: DoctorSeams = {
    commands: commands.runner,
    root,
    connectTcp: (host, port) => {
      connections.push(`${host}:${port}`);
      return connectInside(harness.ap.name, host, port);
    },
  };
  return { seams, recorded: commands.recorded, connections };
}

function doctor(change: Parameters<typeof unitConfig>[0] = {}): Promise<DoctorReport> {
  return runDoctor(validateEdgeConfig(unitConfig(change)), unitSeams().seams, { timeoutMs: CHECK_LIMIT_MS });
}

/** id → "status code", for a comparison whose diff names every line that moved. */
const summary = (report: DoctorReport) =>
  Object.fromEntries(report.checks.map((check) => [check.id, `${check.status} ${check.code}`]));
/** The lines that did not pass, in full, as the failure message of a summary comparison. */
const notPassing = (report: DoctorReport) =>
  JSON.stringify(
    report.checks.filter((check) => check.status !== 'pass'),
    null,
    1,
  );
const line = (report: DoctorReport, id: string) => report.checks.find((check) => check.id === id);

describe('doctor on a whole simulated unit', () => {
  it(
    'reports all-pass through the command line, every check configured, and exits 0',
    async () => {
      const file = join(work, 'config.json');
      await writeFile(file, JSON.stringify(unitConfig()));
      const { seams, recorded, connections } = unitSeams();
      const out = new Sink();
      const err = new Sink();
      let exitCode: number | undefined;
      const program = new Command().exitOverride();
      addDoctorCommand(program, {
        streams: { out, err },
        seams,
        setExitCode: (code) => {
          exitCode = code;
        },
      });
      await program.parseAsync(['doctor', '-c', file, '--json'], { from: 'user' });

      const report = JSON.parse(out.text) as DoctorReport;
      expect(report.checks.map((check) => check.id)).toEqual(CHECK_IDS);
      expect(summary(report), notPassing(report)).toEqual(HEALTHY);
      expect(report.ok).toBe(true);
      expect(exitCode).toBe(0);
      expect(err.text).toBe('');

      // Each line saw the real part it names.
      const port = broker.port;
      expect(line(report, 'serial-bms-path')?.detail).toMatch(/triporteur-bms → \/dev\/pts\/\d+$/);
      expect(line(report, 'serial-bms')?.detail).toMatch(/^BMS JBD : 13 cellules/);
      expect(line(report, 'serial-motor')?.detail).toMatch(/^contrôleur VESC : firmware \d+\.\d+/);
      expect(line(report, 'serial-gps')?.detail).toMatch(/phrases NMEA/);
      expect(line(report, 'gps-fix')?.detail).toMatch(/^fix 3D, 12 satellites utilisés/);
      expect(line(report, 'serial-aux')?.detail).toMatch(/^carte Firmata : /);
      expect(line(report, 'service-dnsmasq')?.detail).toBe('triporteur-dnsmasq.service : actif');
      expect(line(report, 'nft-ruleset')?.detail).toMatch(/^table conforme à la configuration : \d+ chaînes/);
      const portalAt = `${hotspot.section.residents.address}:${hotspot.section.portal.httpPort}`;
      expect(line(report, 'portal')?.detail).toBe(
        `le portail répond sur ${portalAt} et renvoie vers http://portail.home.arpa/`,
      );
      expect(line(report, 'wifi-ceiling')?.detail).toContain('micrologiciel minimal : 19 clients');
      expect(line(report, 'broker')?.detail).toBe(`connecté à mqtts://localhost:${port} en tant que « tri-lyon-03 »`);
      expect(line(report, 'outbox')?.detail).toBe('2 enregistrement(s) en attente, le plus ancien a 2 min');
      expect(line(report, 'event-journal')?.detail).toBe('aucun événement en attente');
      expect(line(report, 'modem')?.detail).toBe('Orange F, LTE : signal bon, RSRP -97 dBm');
      expect(line(report, 'disk')?.detail).toMatch(new RegExp(`^\\d+,\\d % libres sur ${dataDir} `));
      expect(line(report, 'sd-wear')?.detail).toContain("mmcblk0 (SD) : une carte SD n'expose pas");
      // The portal probe left from the AP namespace, never from this machine's own network.
      expect(connections).toEqual([portalAt]);
      // Only what this machine cannot run came from recordings; nft ran in the AP namespace.
      const recordedPrograms = new Set(recorded.calls.map((call) => call.file));
      expect([...recordedPrograms].sort()).toEqual(['chronyc', 'mmcli', 'systemctl', 'timedatectl']);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'BMS adapter pulled out: serial-bms-path DOC_SERIAL_MISSING (and nothing to ask on serial-bms)',
    async () => {
      await adapters.unplug('bms');
      let report: DoctorReport;
      try {
        report = await doctor();
      } finally {
        await adapters.plug('bms', HEALTHY_BMS);
      }
      expect(summary(report), notPassing(report)).toEqual({
        ...HEALTHY,
        'serial-bms-path': 'fail DOC_SERIAL_MISSING',
        'serial-bms': 'fail DOC_SERIAL_MISSING',
      });
      expect(line(report, 'serial-bms-path')?.detail).toBe(`${adapters.path('bms')} n'existe pas`);
      expect(line(report, 'serial-bms-path')?.fix).toContain('ls -l /dev/serial/by-id');
      expect(exitCodeOf(report)).toBe(2);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'BMS with TX and RX swapped: serial-bms DOC_SERIAL_SILENT, its path still fine',
    async () => {
      await adapters.plug('bms', 'tx-rx-swapped');
      let report: DoctorReport;
      try {
        report = await doctor();
      } finally {
        await adapters.plug('bms', HEALTHY_BMS);
      }
      expect(summary(report), notPassing(report)).toEqual({ ...HEALTHY, 'serial-bms': 'fail DOC_SERIAL_SILENT' });
      expect(line(report, 'serial-bms')?.detail).toContain('9600, 19200, 38400, 57600, 115200');
      expect(line(report, 'serial-bms')?.fix).toMatch(/TX et RX inversés \?/);
      expect(exitCodeOf(report)).toBe(2);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'BMS at 9600 baud while the config says 115200: serial-bms DOC_SERIAL_BAUD, the fix naming 9600',
    async () => {
      const report = await doctor({ bmsBaudRate: 115_200 });
      expect(summary(report), notPassing(report)).toEqual({ ...HEALTHY, 'serial-bms': 'fail DOC_SERIAL_BAUD' });
      expect(line(report, 'serial-bms')?.detail).toMatch(/à 9600 bauds : BMS JBD : 13 cellules/);
      expect(line(report, 'serial-bms')?.fix).toContain('bms.baudRate à 9600');
      expect(exitCodeOf(report)).toBe(2);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a wrong broker password: broker DOC_BROKER_AUTH, Mosquitto refusing the unit by name',
    async () => {
      const report = await doctor({ password: 'ancien-secret' });
      expect(summary(report), notPassing(report)).toEqual({ ...HEALTHY, broker: 'fail DOC_BROKER_AUTH' });
      expect(line(report, 'broker')?.detail).toMatch(
        new RegExp(`^mqtts://localhost:${broker.port} refuse l'utilisateur « tri-lyon-03 » \\(code de retour \\d+\\)$`),
      );
      expect(line(report, 'broker')?.fix).toContain('reprovisionner');
      expect(exitCodeOf(report)).toBe(2);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'the nft table deleted in the AP: nft-ruleset DOC_NFT_MISSING; restarting the service, as the fix says, restores it',
    async () => {
      await harness.ap.exec('nft', ['delete', 'table', 'inet', 'triporteur']);
      let report: DoctorReport;
      try {
        report = await doctor();
      } finally {
        // Doctor's fix: restart the edge, which loads its table at start.
        await hotspot.service?.stop(10_000);
        await hotspot.startService();
      }
      // The portal still answers the Pi's own probe: it goes straight to the portal's port, not through
      // the residents' redirect that the table held. Residents are the ones cut off.
      expect(summary(report), notPassing(report)).toEqual({ ...HEALTHY, 'nft-ruleset': 'fail DOC_NFT_MISSING' });
      expect(line(report, 'nft-ruleset')?.detail).toBe('la table inet triporteur est absente');
      expect(line(report, 'nft-ruleset')?.fix).toContain('systemctl restart triporteur-edge');
      expect(exitCodeOf(report)).toBe(2);
      const restored = await doctor();
      expect(summary(restored), notPassing(restored)).toEqual(HEALTHY);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'dnsmasq stopped: service-dnsmasq DOC_SERVICE_DOWN, the recorded systemctl following the real process',
    async () => {
      await dnsmasq.stop();
      let report: DoctorReport;
      try {
        report = await doctor();
      } finally {
        dnsmasq = await startDnsmasq(harness, hotspot.section);
      }
      expect(summary(report), notPassing(report)).toEqual({ ...HEALTHY, 'service-dnsmasq': 'fail DOC_SERVICE_DOWN' });
      expect(line(report, 'service-dnsmasq')?.detail).toBe('triporteur-dnsmasq.service : inactive');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'is all-pass again once every fault is undone',
    async () => {
      const report = await doctor();
      expect(summary(report), notPassing(report)).toEqual(HEALTHY);
      expect(exitCodeOf(report)).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );
});
