import { readFile, stat } from 'node:fs/promises';
import type { Clock, PositionSample } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import type { CommandRunner } from '../hotspot/system/command.js';
import { type DepotSection, depotInterfaceOf } from './config.js';
import { DepotArea, type DepotFix } from './depot-area.js';
import { DepotLink, type DepotState, type Uplink } from './depot-link.js';
import { isWifiError, WifiError, WifiErrorCode } from './errors.js';
import { checkDepotNetwork, createNmcliWifi } from './nmcli.js';
import { createSharedRadioHandover } from './radio-handover.js';

export interface DepotServiceDeps {
  /** Runs nmcli and systemctl (tests: a recording runner). */
  runner: CommandRunner;
  clock: Clock;
  logger: Logger;
  /** The hotspot's radio (`hotspot.wifi.interface`), when the unit runs a hotspot. */
  hotspotInterface?: string;
  /** The systemd unit running hostapd (`hotspot.wifi.hostapdUnit`), stopped while the radio is lent. */
  hostapdUnit?: string;
}

export interface DepotService {
  /** Feeds one of the unit's own positions; they stay on the unit, whatever the location pause says. */
  observe(fix: DepotFix): void;
  /** Where the unit's traffic goes now. */
  uplink(): Uplink;
  /** The uplink record's share: which way traffic goes. */
  aggregate(): { via: Uplink };
  readonly state: DepotState;
  /** True when the depot link borrows the hotspot's radio (the hotspot is off while at the depot). */
  readonly sharedRadio: boolean;
  /** Leaves the depot network if joined and gives the radio back. */
  stop(): Promise<void>;
}

/**
 * Reads the PSK, then starts the depot link on its own timer. Rejects with EDG_WIFI_PSK_FILE when the
 * file cannot be read and EDG_WIFI_INPUT when its content is no WPA2 passphrase; the message never
 * holds the passphrase.
 */
export async function startDepotLink(section: Readonly<DepotSection>, deps: DepotServiceDeps): Promise<DepotService> {
  const { runner, clock, logger } = deps;
  const network = { ssid: section.ssid, psk: await readPsk(section.pskFile, logger) };
  checkDepotNetwork(network);
  const radio = depotInterfaceOf(section, deps.hotspotInterface);
  // One radio: hostapd must let go of it. A second adapter needs no handover; the hotspot stays on.
  const sharedRadio = deps.hotspotInterface === radio;
  const area = new DepotArea({
    lat: section.area.lat,
    lon: section.area.lon,
    radiusM: section.area.radiusM,
    dwellMs: section.area.dwellS * 1000,
    ...(section.stillKmh === undefined ? {} : { stillKmh: section.stillKmh }),
  });
  const wifi = createNmcliWifi(runner, { interface: radio, joinTimeoutS: section.joinTimeoutS });
  const handover = sharedRadio
    ? createSharedRadioHandover(runner, { interface: radio, hostapdUnit: deps.hostapdUnit ?? 'hostapd.service', clock })
    : undefined;
  const link = new DepotLink({
    wifi,
    network,
    atDepot: (now) => area.parked(now),
    clock,
    logger,
    ...(handover ? { radio: handover } : {}),
    checkIntervalMs: section.checkIntervalS * 1000,
    retryMs: section.retryS * 1000,
  });
  // A previous run that died at the depot left the network up and the radio lent: the link starts "away",
  // so make it so. Leaving a network that is down and starting a running hostapd change nothing.
  await settle(() => wifi.leave(), 'depot-leave-failed', logger);
  if (handover) await settle(() => handover.reclaim(), 'radio-reclaim-failed', logger);
  link.start();
  logger.info({ event: 'depot-link-start', interface: radio, sharedRadio }, 'depot link watching for the depot');
  return {
    observe: (fix) => area.observe(fix),
    uplink: () => link.uplink(),
    aggregate: () => ({ via: link.uplink() }),
    get state() {
      return link.state;
    },
    sharedRadio,
    stop: () => link.stop(),
  };
}

/** A best-effort start-up step: its failure is logged with its code, and the link starts anyway. */
async function settle(step: () => Promise<void>, event: string, logger: Logger): Promise<void> {
  try {
    await step();
  } catch (err) {
    logger.warn({ event, code: isWifiError(err) ? err.code : undefined, err }, 'depot link: start-up tidying failed');
  }
}

/**
 * What the depot area may use of a position sample: a believed fix only. A stale position (the fix was
 * lost) or one the jump check refused says nothing new, so it is passed on without lat/lon.
 */
export function depotFixOf(sample: PositionSample): DepotFix {
  const q = sample.quality;
  const trusted = sample.fix !== 'none' && q?.lat === undefined && q?.lon === undefined && q?.speedKmh === undefined;
  if (!trusted || sample.lat === undefined || sample.lon === undefined) return { at: sample.at };
  return {
    at: sample.at,
    lat: sample.lat,
    lon: sample.lon,
    ...(sample.speedKmh === undefined ? {} : { speedKmh: sample.speedKmh }),
  };
}

/** The passphrase, without the newline an editor leaves at the end of the file. */
async function readPsk(path: string, logger: Logger): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
    // Only a warning: the unit still works, but anyone on it could read the association's Wi-Fi key.
    if (((await stat(path)).mode & 0o077) !== 0) {
      logger.warn({ event: 'depot-psk-file-mode', path }, 'the depot PSK file is readable by other users: chmod 600');
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new WifiError(WifiErrorCode.PSK_FILE, `cannot read the depot PSK file ${path} (${code})`, { cause: err });
  }
  return text.replace(/\r?\n$/, '');
}
