import { describe, expect, it } from 'vitest';
import { clockCheck } from '../src/doctor/checks/clock.js';
import { modemCheck } from '../src/doctor/checks/modem.js';
import { serviceChecks } from '../src/doctor/checks/services.js';
import { wifiCeilingCheck } from '../src/doctor/checks/wifi-ceiling.js';
import { DoctorCode } from '../src/doctor/codes.js';
import type { CommandResult } from '../src/hotspot/system/command.js';
import { HotspotError, HotspotErrorCode } from '../src/hotspot/system/errors.js';
import { type RecordedCommand, RecordingRunner } from '../src/hotspot/system/recording-runner.js';
import {
  CHRONY_GPS,
  CHRONY_NO_DAEMON,
  CHRONY_NTP,
  CHRONY_UNSYNCED,
  IS_ACTIVE,
  NO_SYSTEMD,
  NTP_SYNCHRONIZED,
  NTP_UNSYNCHRONIZED,
} from './fixtures/doctor-outputs.js';
import {
  connectedModem,
  LIST_NONE,
  LIST_ONE,
  MM_NOT_RUNNING,
  MODEM_CONNECTED,
  MODEM_ROAMING_3G,
  MODEM_SEARCHING,
  SIGNAL_LTE,
  TRUNCATED,
} from './fixtures/mmcli-outputs.js';
import { piTree } from './fixtures/wifi-sysfs.js';
import { doctorConfig, doctorTestContext, HOTSPOT_PAGES } from './support/doctor-config.js';

const withHotspot = () => doctorConfig({ hotspot: { pages: HOTSPOT_PAGES } });
/** What the real runner does when the program is not installed (command.ts, ENOENT). */
const notInstalled = (file: string) => {
  throw new HotspotError(HotspotErrorCode.COMMAND_START, `cannot run ${file}: spawn ${file} ENOENT`);
};
const byProgram =
  (answers: Record<string, CommandResult | ((c: RecordedCommand) => CommandResult)>) => (command: RecordedCommand) => {
    const answer = answers[command.file] ?? notInstalled(command.file);
    return typeof answer === 'function' ? answer(command) : answer;
  };

describe('doctor: the hostapd and dnsmasq services', () => {
  const run = async (answer: (unit: string) => CommandResult) => {
    const runner = new RecordingRunner((command) => answer(command.args[1] ?? ''));
    const context = doctorTestContext(withHotspot(), { commands: runner });
    const results = await Promise.all(serviceChecks.map((check) => check.run(context)));
    return { results, runner };
  };

  it('passes when systemctl says active, asking for each unit by name', async () => {
    const { results, runner } = await run(() => IS_ACTIVE.active);
    expect(results.map((r) => [r.id, r.status, r.code])).toEqual([
      ['service-hostapd', 'pass', DoctorCode.OK],
      ['service-dnsmasq', 'pass', DoctorCode.OK],
    ]);
    expect(runner.lines()).toEqual([
      'systemctl is-active hostapd.service',
      'systemctl is-active triporteur-dnsmasq.service',
    ]);
  });

  it.each([
    ['inactive', IS_ACTIVE.inactive],
    ['failed', IS_ACTIVE.failed],
    ['activating', IS_ACTIVE.activating],
  ])('fails DOC_SERVICE_DOWN on %s, naming the state and the unit', async (state, output) => {
    const { results } = await run((unit) => (unit === 'triporteur-dnsmasq.service' ? output : IS_ACTIVE.active));
    expect(results[1]).toMatchObject({ status: 'fail', code: DoctorCode.SERVICE_DOWN });
    expect(results[1]?.detail).toBe(`triporteur-dnsmasq.service : ${state}`);
    expect(results[1]?.fix).toContain('journalctl -u triporteur-dnsmasq.service');
    expect(results[0]?.status).toBe('pass');
  });

  it('says what systemctl said when systemd is not running (captured output)', async () => {
    const { results } = await run(() => NO_SYSTEMD);
    expect(results[0]).toMatchObject({ status: 'fail', code: DoctorCode.SERVICE_DOWN });
    expect(results[0]?.detail).toContain('System has not been booted with systemd');
  });

  it('fails clearly when systemctl is not installed', async () => {
    const runner = new RecordingRunner((c) => notInstalled(c.file));
    const context = doctorTestContext(withHotspot(), { commands: runner });
    const result = await serviceChecks[0]?.run(context);
    expect(result).toMatchObject({ status: 'fail', code: DoctorCode.SERVICE_DOWN });
    expect(result?.detail).toContain('systemctl introuvable');
  });

  it('uses the hostapd unit the config names, and skips everything without a hotspot', async () => {
    const runner = new RecordingRunner(() => IS_ACTIVE.active);
    const config = doctorConfig({ hotspot: { pages: HOTSPOT_PAGES, wifi: { hostapdUnit: 'hostapd@wlan0.service' } } });
    await serviceChecks[0]?.run(doctorTestContext(config, { commands: runner }));
    expect(runner.lines()).toEqual(['systemctl is-active hostapd@wlan0.service']);
    const bare = new RecordingRunner();
    const skipped = await serviceChecks[0]?.run(doctorTestContext(doctorConfig(), { commands: bare }));
    expect(skipped).toMatchObject({ status: 'pass', code: DoctorCode.NOT_CONFIGURED });
    expect(bare.calls).toEqual([]);
  });
});

describe("doctor: the clock's synchronisation and source", () => {
  const run = async (answers: Record<string, CommandResult>, sections: Record<string, unknown> = {}) =>
    clockCheck.run(doctorTestContext(doctorConfig(sections), { commands: new RecordingRunner(byProgram(answers)) }));

  it('passes with the GPS as source when chrony follows it', async () => {
    const result = await run({ timedatectl: NTP_SYNCHRONIZED, chronyc: CHRONY_GPS }, { gps: { type: 'gpsd' } });
    expect(result).toMatchObject({ status: 'pass', code: DoctorCode.OK });
    expect(result.detail).toBe('horloge synchronisée, source : GPS (GPS)');
  });

  it('passes on NTP, and says the configured GPS is not the source', async () => {
    const result = await run({ timedatectl: NTP_SYNCHRONIZED, chronyc: CHRONY_NTP }, { gps: { type: 'gpsd' } });
    expect(result.status).toBe('pass');
    expect(result.detail).toContain('source : 192.0.2.1');
    expect(result.detail).toContain("le GPS configuré n'est pas une source");
  });

  it('passes with systemd-timesyncd alone (no chrony installed)', async () => {
    const result = await run({ timedatectl: NTP_SYNCHRONIZED });
    expect(result).toMatchObject({ status: 'pass', detail: 'horloge synchronisée, source : NTP' });
  });

  it('warns DOC_CLOCK_UNSYNCED when neither says synchronised', async () => {
    const result = await run({ timedatectl: NTP_UNSYNCHRONIZED, chronyc: CHRONY_UNSYNCED });
    expect(result).toMatchObject({ status: 'warn', code: DoctorCode.CLOCK_UNSYNCED });
    expect(result.fix).toBeTruthy();
  });

  it('warns, quoting both tools, when neither can answer (no systemd as init, chronyd down)', async () => {
    const result = await run({ timedatectl: NO_SYSTEMD, chronyc: CHRONY_NO_DAEMON });
    expect(result).toMatchObject({ status: 'warn', code: DoctorCode.CLOCK_UNSYNCED });
    expect(result.detail).toContain('System has not been booted with systemd');
    expect(result.detail).toContain('506 Cannot talk to daemon');
  });

  it('reads an unparseable answer as no answer rather than as synchronised', async () => {
    const result = await run({
      timedatectl: { stdout: 'garbage\n', stderr: '', code: 0 },
      chronyc: { stdout: 'Reference ID : ???\n', stderr: '', code: 0 },
    });
    expect(result).toMatchObject({ status: 'warn', code: DoctorCode.CLOCK_UNSYNCED });
  });
});

describe('doctor: the 4G modem (mmcli outputs)', () => {
  const withModem = () => doctorConfig({ modem: {} });
  const run = (responder: (c: RecordedCommand) => CommandResult) =>
    modemCheck.run(doctorTestContext(withModem(), { commands: new RecordingRunner(responder) }));

  it('passes on a registered LTE modem with a fair signal, giving operator and RSRP', async () => {
    const result = await run(connectedModem());
    expect(result).toMatchObject({ status: 'pass', code: DoctorCode.OK });
    expect(result.detail).toBe('Orange F, LTE : signal bon, RSRP -97 dBm');
  });

  it('warns DOC_SIGNAL_WEAK below -110 dBm', async () => {
    const weak = { ...SIGNAL_LTE, stdout: SIGNAL_LTE.stdout.replace('"rsrp":"-97.00"', '"rsrp":"-116.00"') };
    const base = connectedModem();
    const result = await run((c) => (c.args.includes('--signal-get') ? weak : base(c)));
    expect(result).toMatchObject({ status: 'warn', code: DoctorCode.SIGNAL_WEAK });
    expect(result.detail).toContain('-116 dBm');
  });

  it('calls -100 to -110 dBm fair, not weak', async () => {
    const fair = { ...SIGNAL_LTE, stdout: SIGNAL_LTE.stdout.replace('"rsrp":"-97.00"', '"rsrp":"-105.00"') };
    const base = connectedModem();
    const result = await run((c) => (c.args.includes('--signal-get') ? fair : base(c)));
    expect(result).toMatchObject({ status: 'pass', detail: 'Orange F, LTE : signal moyen, RSRP -105 dBm' });
  });

  it('falls back to the quality percentage on 3G (no RSRP)', async () => {
    const result = await run(connectedModem({ list: LIST_ONE, modem: MODEM_ROAMING_3G }));
    expect(result.status).toBe('pass');
    expect(result.detail).toContain('HSPA-PLUS');
  });

  it('fails DOC_MODEM_UNREGISTERED while the modem searches', async () => {
    const result = await run(connectedModem({ list: LIST_ONE, modem: MODEM_SEARCHING }));
    expect(result).toMatchObject({ status: 'fail', code: DoctorCode.MODEM_UNREGISTERED });
    expect(result.detail).toContain('searching');
  });

  it.each([
    ['no modem listed', connectedModem({ list: LIST_NONE, modem: MODEM_CONNECTED })],
    ['ModemManager not running', () => MM_NOT_RUNNING],
    ['a truncated answer', connectedModem({ list: LIST_ONE, modem: TRUNCATED })],
    ['mmcli not installed', (c: RecordedCommand) => notInstalled(c.file)],
  ])('fails DOC_MODEM_ABSENT on %s', async (_what, responder) => {
    const result = await run(responder);
    expect(result).toMatchObject({ status: 'fail', code: DoctorCode.MODEM_ABSENT });
    expect(result.fix).toBeTruthy();
  });

  it('is not configured without a modem section, and runs nothing', async () => {
    const runner = new RecordingRunner();
    const result = await modemCheck.run(doctorTestContext(doctorConfig(), { commands: runner }));
    expect(result).toMatchObject({ status: 'pass', code: DoctorCode.NOT_CONFIGURED });
    expect(runner.calls).toEqual([]);
  });
});

describe('doctor: the Wi-Fi client ceiling (sysfs trees shaped like a Pi 4)', () => {
  const run = async (variant: 'standard' | 'minimal' | 'none', wifi: Record<string, unknown> = {}) => {
    const tree = await piTree(variant);
    const config = doctorConfig({ hotspot: { pages: HOTSPOT_PAGES, wifi } });
    return wifiCeilingCheck.run(doctorTestContext(config, { root: tree.root }));
  };

  it('warns DOC_WIFI_CEILING_LOW on the stock firmware, with the switch to the minimal one', async () => {
    const result = await run('standard');
    expect(result).toMatchObject({ status: 'warn', code: DoctorCode.WIFI_CEILING_LOW });
    expect(result.detail).toContain('CYW43455');
    expect(result.detail).toContain('8 clients');
    expect(result.fix).toContain('cyfmac43455-sdio-minimal.bin');
  });

  it('passes on the minimal firmware (19), and warns if the config asks for more', async () => {
    expect(await run('minimal')).toMatchObject({ status: 'pass', code: DoctorCode.OK });
    expect(await run('minimal', { maxStations: 30 })).toMatchObject({
      status: 'warn',
      code: DoctorCode.WIFI_CEILING_LOW,
    });
  });

  it('warns when the radio is absent or unknown, unless a measured ceiling is configured', async () => {
    const empty = doctorConfig({ hotspot: { pages: HOTSPOT_PAGES, wifi: { interface: 'wlan1' } } });
    const tree = await piTree('standard');
    const unknown = await wifiCeilingCheck.run(doctorTestContext(empty, { root: tree.root }));
    expect(unknown).toMatchObject({ status: 'warn', code: DoctorCode.WIFI_CEILING_LOW });
    expect(unknown.detail).toContain('plafond inconnu');
    const measured = doctorConfig({ hotspot: { pages: HOTSPOT_PAGES, wifi: { interface: 'wlan1', maxStations: 25 } } });
    expect(await wifiCeilingCheck.run(doctorTestContext(measured, { root: tree.root }))).toMatchObject({
      status: 'pass',
    });
  });
});
