import type { Clock } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import { writeFileAtomic } from '../../files/atomic-write.js';
import { waitForNmHold } from '../../wifi/nm-device.js';
import { createNmcliWifi } from '../../wifi/nmcli.js';
import { runSiteSurvey } from '../../wifi/survey.js';
import type { WifiControl } from '../../wifi/wifi-control.js';
import type { HotspotConfig } from '../config.js';
import { describeFailure } from '../sessions/scrub.js';
import type { CommandResult, CommandRunner } from '../system/command.js';
import { renderHostapdConfig } from '../system/hostapd.js';
import { HOSTAPD_ENABLED, parseHostapdStatus } from '../system/hostapd-status.js';
import { HotspotServiceError, HotspotServiceErrorCode } from './errors.js';

/** Where the radio's channel came from: this start's scan, the config, or a hostapd already serving. */
export type ChannelSource = 'scan' | 'configured' | 'running';

/** What the hotspot record reports about the radio; never an SSID or a BSSID (a neighbour's MAC). */
export interface RadioChannel {
  channel: number;
  channelSource: ChannelSource;
  /** 2.4 GHz access points the scan heard; only when channelSource is 'scan'. */
  networksSeen?: number;
}

export interface RadioChannelOptions {
  /** Runs hostapd_cli, nmcli and systemctl. */
  runner: CommandRunner;
  clock: Clock;
  logger: Logger;
  /** max_num_sta for the runtime hostapd.conf when wifi.maxStations is unset (the detected ceiling). */
  maxStations?: number;
  /** The scanner; default nmcli through the runner on wifi.interface. */
  wifi?: WifiControl;
  /** NetworkManager gets polls × pollMs to take the radio before the scan (it refuses to scan before). */
  lendPolls?: number;
  lendPollMs?: number;
}

/**
 * The radio's channel at hotspot start. A hostapd already serving the interface keeps its channel: a
 * scan would cut the residents off. Otherwise, with wifi.survey on, a 2.4 GHz radio scans the
 * neighbours (a failed scan keeps the configured channel), the runtime hostapd.conf is written with the
 * choice, and hostapd is restarted on it. Never throws: every failure is coded and logged, and the
 * hotspot carries on.
 */
export async function settleRadioChannel(config: HotspotConfig, options: RadioChannelOptions): Promise<RadioChannel> {
  const { wifi } = config;
  const log = options.logger;
  const configured: RadioChannel = { channel: wifi.channel, channelSource: 'configured' };

  const serving = await servingChannel(config, options);
  if (serving !== undefined) {
    log.info(
      { event: 'radio-channel', channel: serving, channelSource: 'running' },
      'hostapd already serving: no scan',
    );
    return { channel: serving, channelSource: 'running' };
  }
  if (!wifi.survey) {
    log.info({ event: 'radio-channel', channel: wifi.channel, channelSource: 'configured' }, 'site survey off');
    return configured;
  }

  // 5 GHz has no 1/6/11 to choose from: the configured channel, but still written and started here.
  const choice = wifi.hwMode === 'g' ? await survey(config, options) : configured;
  try {
    await writePrivateFile(
      wifi.hostapdConfPath,
      renderHostapdConfig(config, {
        channel: choice.channel,
        ...(options.maxStations === undefined ? {} : { maxStations: options.maxStations }),
      }),
    );
  } catch (err) {
    log.error(
      { event: 'hostapd-conf-failed', ...describeFailure(err) },
      'runtime hostapd.conf not written: hostapd not restarted',
    );
    return configured;
  }
  await restartHostapd(options.runner, wifi.hostapdUnit, log);
  log.info({ event: 'radio-channel', ...choice }, 'radio channel settled');
  return choice;
}

/** hostapd's channel when it is serving the interface (state ENABLED); undefined otherwise. */
async function servingChannel(config: HotspotConfig, options: RadioChannelOptions): Promise<number | undefined> {
  const { controlDir, interface: iface } = config.wifi;
  const log = options.logger;
  let result: CommandResult;
  try {
    result = await options.runner.run('hostapd_cli', [`-p${controlDir}`, `-i${iface}`, 'status']);
  } catch (err) {
    log.warn(
      { event: 'hostapd-status-failed', ...describeFailure(err) },
      'hostapd_cli did not answer: hostapd taken as stopped',
    );
    return undefined;
  }
  // hostapd_cli exits 255 ("Failed to connect to hostapd") when no hostapd holds the control socket.
  if (result.code !== 0) {
    log.info({ event: 'hostapd-not-serving', exitCode: result.code }, 'hostapd is not running');
    return undefined;
  }
  const parsed = parseHostapdStatus(result.stdout);
  if (!parsed.ok) {
    const err = new HotspotServiceError(HotspotServiceErrorCode.HOSTAPD_STATUS, `hostapd_cli status: ${parsed.reason}`);
    log.warn(
      { event: 'hostapd-status-unreadable', ...describeFailure(err) },
      'hostapd status unreadable: taken as stopped',
    );
    return undefined;
  }
  if (parsed.value.state !== HOSTAPD_ENABLED) {
    log.info({ event: 'hostapd-not-serving', state: parsed.value.state }, 'hostapd is up but not serving');
    return undefined;
  }
  return parsed.value.channel;
}

/**
 * The site survey through NetworkManager, which scans only the devices it manages: the radio is lent
 * to it for the scan (hostapd is not using it) and taken back before hostapd starts.
 */
async function survey(config: HotspotConfig, options: RadioChannelOptions): Promise<RadioChannel> {
  const { interface: iface, channel } = config.wifi;
  const lent = await lendRadio(iface, options);
  try {
    const wifi = options.wifi ?? createNmcliWifi(options.runner, { interface: iface });
    const result = await runSiteSurvey(wifi, channel, options.logger);
    return result.source === 'scan'
      ? { channel: result.channel, channelSource: 'scan', networksSeen: result.networksSeen }
      : { channel: result.channel, channelSource: 'configured' };
  } finally {
    if (lent) await nmcli(options, ['device', 'set', iface, 'managed', 'no']);
  }
}

/** True once NetworkManager manages the radio and may scan; false if it cannot (no nmcli: the scan says so). */
async function lendRadio(iface: string, options: RadioChannelOptions): Promise<boolean> {
  if (!(await nmcli(options, ['device', 'set', iface, 'managed', 'yes']))) return false;
  const wait = { clock: options.clock, polls: options.lendPolls ?? 20, pollMs: options.lendPollMs ?? 500 };
  // A read that throws counts as not held yet: the scan that follows reports what is wrong.
  const held = await waitForNmHold(options.runner, iface, wait).then(
    (result) => result.held,
    () => false,
  );
  if (held) return true;
  options.logger.warn({ event: 'survey-radio-unavailable' }, 'NetworkManager did not take the radio in time');
  return true;
}

/** A best-effort nmcli step: true when it exited 0. Failures are the scan's to report. */
async function nmcli(options: RadioChannelOptions, args: readonly string[]): Promise<boolean> {
  try {
    const result = await options.runner.run('nmcli', args);
    if (result.code !== 0)
      options.logger.debug({ event: 'survey-nmcli', args, exitCode: result.code }, 'nmcli refused');
    return result.code === 0;
  } catch (err) {
    options.logger.debug({ event: 'survey-nmcli', args, ...describeFailure(err) }, 'nmcli cannot run');
    return false;
  }
}

/** Restarts hostapd on the new file; a failure is logged with its code, and the hotspot goes on. */
async function restartHostapd(runner: CommandRunner, unit: string, log: Logger): Promise<void> {
  try {
    let result: CommandResult;
    try {
      result = await runner.run('systemctl', ['restart', unit]);
    } catch (err) {
      throw new HotspotServiceError(HotspotServiceErrorCode.HOSTAPD_RESTART, `systemctl restart ${unit} did not run`, {
        cause: err,
      });
    }
    if (result.code !== 0) {
      const detail = (result.stderr.trim() || result.stdout.trim() || '(no output)').slice(0, 300);
      throw new HotspotServiceError(
        HotspotServiceErrorCode.HOSTAPD_RESTART,
        `systemctl restart ${unit} exited with ${result.code}: ${detail}`,
      );
    }
  } catch (err) {
    log.error({ event: 'hostapd-restart-failed', ...describeFailure(err) }, 'hostapd not restarted on the new channel');
  }
}

/**
 * hostapd.conf holds the staff passphrase: created 0600 under a temporary name, synced, then renamed
 * over the old one, so hostapd never reads half a file, even after a power cut mid-write.
 */
async function writePrivateFile(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text, 0o600, { createParent: true });
  } catch (err) {
    throw new HotspotServiceError(
      HotspotServiceErrorCode.HOSTAPD_CONF,
      `cannot write ${path}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
}
