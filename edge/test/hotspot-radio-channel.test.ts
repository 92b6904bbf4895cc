import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@triporteur/firmware-bridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HotspotConfig, validateHotspotConfig } from '../src/hotspot/config.js';
import { settleRadioChannel } from '../src/hotspot/service/radio-channel.js';
import { type CommandResult, createExecFileRunner } from '../src/hotspot/system/command.js';
import { HotspotError, HotspotErrorCode } from '../src/hotspot/system/errors.js';
import { type RecordedCommand, RecordingRunner } from '../src/hotspot/system/recording-runner.js';
import { captureLogger } from './fixtures/capture-logger.js';
import * as hapd from './fixtures/hostapd-cli-outputs.js';
import * as nm from './fixtures/nmcli-outputs.js';
import { checkHostapdConfig, parseHostapdConfig } from './support/hotspot-hostapd.js';

// The radio's channel at hotspot start, through the recording runner: this machine has no radio, no
// NetworkManager and no systemd, so hostapd_cli, nmcli and systemctl answer with their real formats
// (fixtures/hostapd-cli-outputs.ts, fixtures/nmcli-outputs.ts). The last block runs the real hostapd
// (driver=none) and the real hostapd_cli instead.

const STATUS = 'hostapd_cli -p/run/hostapd -iwlan0 status';
const LEND = 'nmcli device set wlan0 managed yes';
const STATE = 'nmcli --terse --fields GENERAL.STATE device show wlan0';
const SCAN = 'nmcli --terse --fields CHAN,FREQ,SIGNAL device wifi list --rescan yes ifname wlan0';
const GIVE_BACK = 'nmcli device set wlan0 managed no';
const RESTART = 'systemctl restart hostapd.service';

/** `nmcli device set … managed yes|no` prints nothing when it succeeds (nmcli(1), device set). */
const SILENT: CommandResult = { stdout: '', stderr: '', code: 0 };
const state = (value: string): CommandResult => ({ stdout: `GENERAL.STATE:${value}\n`, stderr: '', code: 0 });

const START_FAILED = () => {
  throw new HotspotError(HotspotErrorCode.COMMAND_START, 'cannot run: spawn ENOENT');
};

type Answers = Partial<Record<'status' | 'lend' | 'state' | 'scan' | 'giveBack' | 'restart', () => CommandResult>>;

/** Answers each command of the sequence; unset ones as on a working unit (hostapd stopped). */
function unit(answers: Answers = {}): RecordingRunner {
  const pick = (call: RecordedCommand): (() => CommandResult) | undefined => {
    const line = [call.file, ...call.args].join(' ');
    if (call.file === 'hostapd_cli') return answers.status ?? (() => hapd.NO_HOSTAPD);
    if (line.endsWith('managed yes')) return answers.lend ?? (() => SILENT);
    if (line.includes('GENERAL.STATE')) return answers.state ?? (() => nm.DEVICE_SHOW_DISCONNECTED);
    if (line.includes('wifi list')) return answers.scan ?? (() => nm.SCAN_CROWDED);
    if (line.endsWith('managed no')) return answers.giveBack ?? (() => SILENT);
    if (call.file === 'systemctl') return answers.restart ?? (() => hapd.SYSTEMCTL_OK);
    return undefined;
  };
  return new RecordingRunner((call) => {
    const answer = pick(call);
    if (!answer) throw new Error(`unexpected command ${call.file} ${call.args.join(' ')}`);
    return answer();
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tpt-radio-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let serial = 0;
/** Configured channel 11, a staff SSID (so the file holds a secret), the runtime file in a private dir. */
function config(wifi: Record<string, unknown> = {}): HotspotConfig {
  serial += 1;
  return validateHotspotConfig({
    staff: { ssid: 'Triporteur equipe', passphrase: 'correct horse battery' },
    wifi: { channel: 11, hostapdConfPath: join(dir, `case-${serial}`, 'hostapd.conf'), ...wifi },
  });
}

const settle = (cfg: HotspotConfig, runner: RecordingRunner, log = captureLogger()) =>
  settleRadioChannel(cfg, { runner, clock: systemClock, logger: log.logger, maxStations: 8, lendPollMs: 1 });

describe('hostapd already serving', () => {
  it('keeps its channel and scans nothing: a scan would cut the residents off', async () => {
    const runner = unit({ status: () => hapd.STATUS_ENABLED });
    const log = captureLogger();
    const cfg = config();
    expect(await settle(cfg, runner, log)).toEqual({ channel: 1, channelSource: 'running' });
    expect(runner.lines()).toEqual([STATUS]);
    await expect(stat(cfg.wifi.hostapdConfPath)).rejects.toMatchObject({ code: 'ENOENT' });
    // Its own networks' names and MACs were in the answer: none reaches the log.
    for (const secret of [hapd.BSSID_RESIDENTS, hapd.BSSID_STAFF, 'Wifi social', 'Triporteur equipe']) {
      expect(log.text()).not.toContain(secret);
    }
    expect(log.lines).toContainEqual(expect.objectContaining({ event: 'radio-channel', channelSource: 'running' }));
  });
});

describe('hostapd not serving: the site survey', () => {
  it('scans through NetworkManager, writes hostapd.conf 0600 with the choice, and restarts hostapd on it', async () => {
    const runner = unit();
    const cfg = config();
    expect(await settle(cfg, runner)).toEqual({ channel: 6, channelSource: 'scan', networksSeen: 13 });
    // The radio is lent to NetworkManager for the scan and taken back before hostapd starts.
    expect(runner.lines()).toEqual([STATUS, LEND, STATE, SCAN, GIVE_BACK, RESTART]);
    const file = cfg.wifi.hostapdConfPath;
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    const [radio, staff] = parseHostapdConfig(text);
    expect(radio?.get('channel')).toBe('6');
    expect(radio?.get('max_num_sta')).toBe('8');
    expect(staff?.get('wpa_passphrase')).toBe('correct horse battery');
    // The real hostapd reads the file it will be restarted on.
    expect((await checkHostapdConfig(text)).ok).toBe(true);
  });

  it('restarts the configured unit by its name', async () => {
    const runner = unit();
    await settle(config({ hostapdUnit: 'hostapd@wlan0.service' }), runner);
    expect(runner.lines().at(-1)).toBe('systemctl restart hostapd@wlan0.service');
  });

  it('scans when hostapd runs but has not enabled the radio (the real answer of a hostapd with no radio)', async () => {
    const runner = unit({ status: () => hapd.STATUS_NO_RADIO });
    expect(await settle(config(), runner)).toMatchObject({ channel: 6, channelSource: 'scan' });
    expect(runner.lines()).toContain(SCAN);
  });

  it('waits for NetworkManager to take the radio, and scans anyway if it never does', async () => {
    const states = [state('10 (unmanaged)'), state('20 (unavailable)')];
    const runner = unit({ state: () => states.shift() ?? nm.DEVICE_SHOW_DISCONNECTED });
    await settle(config(), runner);
    expect(runner.lines().filter((line) => line === STATE)).toHaveLength(3);

    const log = captureLogger();
    const stuck = unit({ state: () => state('20 (unavailable)') });
    await settleRadioChannel(config(), {
      runner: stuck,
      clock: systemClock,
      logger: log.logger,
      lendPolls: 4,
      lendPollMs: 1,
    });
    expect(stuck.lines().filter((line) => line === STATE)).toHaveLength(4);
    expect(stuck.lines()).toContain(SCAN);
    expect(log.lines).toContainEqual(expect.objectContaining({ event: 'survey-radio-unavailable', level: 40 }));
  });

  it('keeps the configured channel when the scan fails, and still starts hostapd', async () => {
    const runner = unit({ lend: () => nm.NM_NOT_RUNNING, scan: () => nm.NM_NOT_RUNNING });
    const log = captureLogger();
    const cfg = config();
    expect(await settle(cfg, runner, log)).toEqual({ channel: 11, channelSource: 'configured' });
    // Nothing was lent, so nothing is taken back.
    expect(runner.lines()).toEqual([STATUS, LEND, SCAN, RESTART]);
    expect(parseHostapdConfig(await readFile(cfg.wifi.hostapdConfPath, 'utf8'))[0]?.get('channel')).toBe('11');
    expect(log.lines).toContainEqual(
      expect.objectContaining({ event: 'site-survey-failed', code: 'EDG_WIFI_COMMAND' }),
    );
  });

  it('keeps the configured channel without NetworkManager installed at all', async () => {
    const runner = unit({ lend: START_FAILED, scan: START_FAILED });
    const log = captureLogger();
    expect(await settle(config(), runner, log)).toEqual({ channel: 11, channelSource: 'configured' });
    expect(runner.lines().at(-1)).toBe(RESTART);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ event: 'site-survey-failed', code: 'EDG_WIFI_TOOL_MISSING' }),
    );
  });
});

describe('failures that must not stop the hotspot', () => {
  it.each([
    ['systemd refuses (no systemd as PID 1)', () => hapd.SYSTEMCTL_NO_SYSTEMD, /Can't operate/],
    ['the unit is masked', () => hapd.SYSTEMCTL_MASKED, /is masked/],
    ['systemctl cannot run', START_FAILED, /did not run/],
  ])('a failed restart when %s is a coded, logged error; the choice stands', async (_, restart, message) => {
    const log = captureLogger();
    const result = await settle(config(), unit({ restart }), log);
    expect(result).toEqual({ channel: 6, channelSource: 'scan', networksSeen: 13 });
    const failure = log.lines.find((line) => line.event === 'hostapd-restart-failed');
    expect(failure).toMatchObject({ level: 50, code: 'EDG_HOTSPOT_HOSTAPD_RESTART' });
    expect(String(failure?.message)).toMatch(message);
  });

  it.each([
    ['a banner instead of a status', () => hapd.STATUS_BANNER],
    ['ENABLED without a channel', () => hapd.STATUS_ENABLED_TRUNCATED],
  ])('unreadable hostapd_cli output (%s) is a coded error, and hostapd is taken as stopped', async (_, status) => {
    const log = captureLogger();
    const runner = unit({ status });
    expect(await settle(config(), runner, log)).toMatchObject({ channel: 6, channelSource: 'scan' });
    expect(runner.lines().at(-1)).toBe(RESTART);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ event: 'hostapd-status-unreadable', level: 40, code: 'EDG_HOTSPOT_HOSTAPD_STATUS' }),
    );
  });

  it('takes hostapd as stopped when hostapd_cli is missing', async () => {
    const log = captureLogger();
    expect(await settle(config(), unit({ status: START_FAILED }), log)).toMatchObject({ channelSource: 'scan' });
    expect(log.lines).toContainEqual(
      expect.objectContaining({ event: 'hostapd-status-failed', code: 'EDG_HOTSPOT_COMMAND_START' }),
    );
  });

  it('does not restart hostapd when its file cannot be written, and reports the configured channel', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, '');
    const runner = unit();
    const log = captureLogger();
    const cfg = config({ hostapdConfPath: join(blocker, 'hostapd.conf') });
    expect(await settle(cfg, runner, log)).toEqual({ channel: 11, channelSource: 'configured' });
    expect(runner.lines()).not.toContain(RESTART);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ event: 'hostapd-conf-failed', level: 50, code: 'EDG_HOTSPOT_HOSTAPD_CONF' }),
    );
  });

  it('replaces an older file whole, 0600 even when the old one was 0644, leaving no temporary behind', async () => {
    const cfg = config();
    const file = cfg.wifi.hostapdConfPath;
    await settle(cfg, unit({ scan: () => nm.SCAN_EMPTY }));
    await chmod(file, 0o644);
    await settle(cfg, unit());
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(parseHostapdConfig(await readFile(file, 'utf8'))[0]?.get('channel')).toBe('6');
    expect(await readdir(join(file, '..'))).toEqual(['hostapd.conf']);
  });
});

describe('survey off, or 5 GHz', () => {
  it('survey off: the configured channel, and hostapd left alone', async () => {
    const runner = unit();
    const cfg = config({ survey: false });
    expect(await settle(cfg, runner)).toEqual({ channel: 11, channelSource: 'configured' });
    expect(runner.lines()).toEqual([STATUS]);
    await expect(stat(cfg.wifi.hostapdConfPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('survey off still reports the channel of a hostapd already serving', async () => {
    const runner = unit({ status: () => hapd.STATUS_ENABLED });
    expect(await settle(config({ survey: false }), runner)).toEqual({ channel: 1, channelSource: 'running' });
  });

  it('5 GHz: no 2.4 GHz scan; the configured channel is written and hostapd restarted on it', async () => {
    const runner = unit();
    const cfg = config({ hwMode: 'a', channel: 36 });
    expect(await settle(cfg, runner)).toEqual({ channel: 36, channelSource: 'configured' });
    expect(runner.lines()).toEqual([STATUS, RESTART]);
    const [radio] = parseHostapdConfig(await readFile(cfg.wifi.hostapdConfPath, 'utf8'));
    expect(radio?.get('hw_mode')).toBe('a');
    expect(radio?.get('channel')).toBe('36');
  });
});

describe('with the real hostapd and hostapd_cli', () => {
  // hostapd 2.10 with driver=none (no radio): without a country it reaches ENABLED on its channel; with
  // country_code and ieee80211d it waits at COUNTRY_UPDATE for a regulatory answer that never comes.
  const running: ChildProcess[] = [];
  const homes: string[] = [];

  async function startHostapd(name: string, extra: string): Promise<string> {
    const home = await mkdtemp(join(tmpdir(), `tpt-radio-${name}-`));
    homes.push(home);
    const ctrl = join(home, 'ctrl');
    const conf = join(home, 'hostapd.conf');
    await writeFile(conf, `interface=wlan0\ndriver=none\nctrl_interface=${ctrl}\nssid=Wifi social\n${extra}`);
    const child = spawn('hostapd', ['-d', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.push(child);
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (/interface state \S+->(ENABLED|COUNTRY_UPDATE)/.test(output)) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', () => reject(new Error(`hostapd exited: ${output}`)));
    });
    return ctrl;
  }

  let enabled: string;
  let waiting: string;
  beforeAll(async () => {
    enabled = await startHostapd('enabled', 'channel=1\n');
    waiting = await startHostapd('country', 'channel=6\ncountry_code=FR\nieee80211d=1\n');
  }, 20_000);

  afterAll(async () => {
    for (const child of running) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    for (const home of homes) await rm(home, { recursive: true, force: true });
  });

  /** The real hostapd_cli; nmcli and systemctl from the recording runner. */
  function mixed() {
    const real = createExecFileRunner();
    const recorded = unit();
    const runner = {
      run: (file: string, args: readonly string[]) =>
        file === 'hostapd_cli' ? real.run(file, args) : recorded.run(file, args),
    };
    return { runner, recorded };
  }

  const settleWith = (controlDir: string, runner: ReturnType<typeof mixed>['runner'], log = captureLogger()) =>
    settleRadioChannel(config({ controlDir }), { runner, clock: systemClock, logger: log.logger, lendPollMs: 1 });

  it('a hostapd serving its channel is left alone: channel 1 from its status, nothing scanned', async () => {
    const { runner, recorded } = mixed();
    expect(await settleWith(enabled, runner)).toEqual({ channel: 1, channelSource: 'running' });
    expect(recorded.lines()).toEqual([]);
  });

  it('a hostapd that never enabled the radio is not serving: the survey runs', async () => {
    const { runner, recorded } = mixed();
    const log = captureLogger();
    expect(await settleWith(waiting, runner, log)).toMatchObject({ channel: 6, channelSource: 'scan' });
    expect(log.lines).toContainEqual(
      expect.objectContaining({ event: 'hostapd-not-serving', state: 'COUNTRY_UPDATE' }),
    );
    expect(recorded.lines().at(-1)).toBe(RESTART);
  });

  it('no hostapd behind the control directory: hostapd_cli fails, taken as stopped', async () => {
    const { runner, recorded } = mixed();
    const log = captureLogger();
    await settleWith(join(dir, 'no-hostapd'), runner, log);
    expect(log.lines).toContainEqual(expect.objectContaining({ event: 'hostapd-not-serving', exitCode: 255 }));
    expect(recorded.lines().at(-1)).toBe(RESTART);
  });
});
