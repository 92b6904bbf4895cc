import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Clock } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import type { LegalLogSection } from '../../legal-log/config.js';
import { startLegalLog } from '../../legal-log/legal-log.js';
import { checkHotspotSection, type HotspotSection, hotspotConfigOf, portalConfigOf } from '../edge-config.js';
import type { SessionGate } from '../gate.js';
import { type RunningPortal, startPortal } from '../portal/portal.js';
import type { CapacityChange } from '../sessions/full-episode.js';
import { HotspotSessions } from '../sessions/hotspot-sessions.js';
import { describeFailure } from '../sessions/scrub.js';
import type { HotspotTotals } from '../sessions/totals.js';
import { setUpSharing } from '../sharing/start-sharing.js';
import { type CommandRunner, createExecFileRunner } from '../system/command.js';
import { Firewall } from '../system/firewall.js';
import { renderRuleset } from '../system/ruleset.js';
import { clientCeiling } from './client-ceiling.js';
import { FirewallPortAdapter } from './firewall-port.js';
import { HostapdStations } from './hostapd-stations.js';
import { LeaseEventsSource } from './lease-events-source.js';
import { settleRadioChannel } from './radio-channel.js';

export interface HotspotServiceOptions {
  /** Runs nft, hostapd_cli, nmcli and systemctl; the default runs them here (tests: inside a namespace). */
  runner?: CommandRunner;
  clock: Clock;
  logger: Logger;
  /** The 4G uplink's state: the portal tells residents honestly when the Internet is down. */
  uplinkUp: () => boolean;
  /** The legal connection log (CPCE L34-1): sessions and NAT mappings, sealed. Absent or disabled: none. */
  legalLog?: LegalLogSection;
  /** Where /sys and /lib/firmware are read to find the radio's client ceiling: "/" (tests: a temp tree). */
  wifiRoot?: string;
  /** Residents turned away at the client ceiling, and a place free again: the unit's portal-full event. */
  onCapacity?: (change: CapacityChange) => void;
}

export interface HotspotService {
  /** What the portal asks: the sessions, for other parts of the edge that need the same view. */
  readonly gate: SessionGate;
  readonly portal: RunningPortal;
  /**
   * Counts only (a HotspotAggregate for telemetry), with the radio channel settled at start and today's
   * questionnaire counts while the questionnaire is enabled; `refresh()` first for fresh idle ends and bytes.
   */
  aggregate(): HotspotTotals;
  /** Reads the kernel's allowed set and counters back now, rather than at the next periodic read. */
  refresh(): Promise<void>;
  /** Stops the portal, the sessions and the readers; the ruleset and its accepted residents stay. */
  stop(): Promise<void>;
}

/**
 * The captive hotspot as one service: the firewall ruleset, the sessions over the kernel's allowed set,
 * dnsmasq's leases and hostapd's stations, then the portal. dnsmasq and hostapd run as system services
 * from renderHotspotFiles(); this applies the ruleset itself, and leaves it in place when it stops, so
 * residents keep their sessions across an edge restart (the next start adopts them).
 */
export async function startHotspotService(
  section: HotspotSection,
  options: HotspotServiceOptions,
): Promise<HotspotService> {
  checkHotspotSection(section);
  const config = hotspotConfigOf(section);
  const portalConfig = portalConfigOf(section);
  const { clock, logger, uplinkUp } = options;
  const log = logger.child({ module: 'hotspot' });
  const runner = options.runner ?? createExecFileRunner();
  const firewall = new Firewall(runner);
  await applyRuleset(firewall, renderRuleset(config), log);
  const maxClients = await clientCeiling(section, { log, ...(options.wifiRoot ? { root: options.wifiRoot } : {}) });
  // Before the stations' reader starts: a hostapd restarted on a new channel is attached to afresh.
  const radio = await settleRadioChannel(config, { runner, clock, logger: log, maxStations: maxClients });

  // Stopped in reverse order; each is pushed before it starts, so a start that fails halfway is undone too.
  const stops: Array<() => Promise<void>> = [];
  try {
    // The hook makes it at its first event; made now, the directory can be watched from the start.
    await mkdir(dirname(config.paths.leaseEvents), { recursive: true });
    const leases = new LeaseEventsSource({
      eventsPath: config.paths.leaseEvents,
      leaseFile: config.paths.leaseFile,
      residents: config.residents,
      clock,
      logger,
    });
    stops.push(() => leases.stop());
    await leases.start();

    const stations = new HostapdStations({
      controlDir: config.wifi.controlDir,
      iface: config.wifi.interface,
      runner,
      clock,
      logger,
    });
    stops.push(() => stations.stop());
    // Attached before the sessions list the stations: no join or leave falls between the two.
    stations.start();

    // Ceilings and the blocklist before anyone is let through; the quota meter hooks into the sessions.
    const sharing = await setUpSharing(config, { runner, clock, logger });
    stops.push(async () => sharing.stop());

    // Before the sessions, so the first session (an adopted one included) already has its record.
    const legalLog = options.legalLog?.enabled
      ? await startLegalLog(options.legalLog, { residentsSubnet: config.residents.subnet, clock, logger })
      : undefined;
    if (legalLog) stops.push(() => legalLog.stop());
    else log.warn({ event: 'legal-log-off' }, 'no legal connection log (CPCE L34-1): configure legalLog');

    const sessions = new HotspotSessions({
      firewall: new FirewallPortAdapter(firewall, (ip) => leases.macOf(ip)),
      leases,
      stations,
      clock,
      logger,
      uplinkUp,
      idleTimeoutS: config.sessions.idleTimeoutS,
      sessionTimeoutS: config.sessions.sessionTimeoutS,
      maxClients,
      ...(legalLog ? { observer: legalLog.observer } : {}),
      ...(sharing.quota ? { quota: sharing.quota } : {}),
      ...(options.onCapacity ? { onCapacity: options.onCapacity } : {}),
    });
    stops.push(() => sessions.stop());
    await sessions.start();
    sharing.start();

    const portal = await startPortal({ gate: sessions, config: portalConfig, logger, clock });
    stops.push(() => portal.close());
    log.info({ event: 'hotspot-started', sessionsNow: sessions.aggregate().sessionsNow }, 'hotspot running');

    let stopping: Promise<void> | undefined;
    return {
      gate: sessions,
      portal,
      aggregate: () => {
        const totals = { ...sessions.aggregate(), ...radio };
        const questionnaireToday = portal.questionnaireToday();
        return questionnaireToday ? { ...totals, questionnaireToday } : totals;
      },
      refresh: () => sessions.refresh(),
      stop: () => {
        stopping ??= stopAll(stops, log).then(() => log.info({ event: 'hotspot-stopped' }, 'hotspot stopped'));
        return stopping;
      },
    };
  } catch (err) {
    await stopAll(stops, log);
    throw err;
  }
}

/**
 * Keeps the accepted residents across the reload. nft refuses to redefine a set in place (a new version
 * changed its definition); the table is then replaced whole, and those residents tap once more.
 */
async function applyRuleset(firewall: Firewall, ruleset: string, log: Logger): Promise<void> {
  try {
    await firewall.apply(ruleset, { keepAllowed: true });
  } catch (err) {
    log.warn(
      { event: 'ruleset-reload-failed', failure: describeFailure(err) },
      'ruleset not reloadable in place; replacing the table, accepted residents must accept again',
    );
    await firewall.apply(ruleset, { keepAllowed: false });
  }
}

async function stopAll(stops: Array<() => Promise<void>>, log: Logger): Promise<void> {
  for (const stop of stops.splice(0).reverse()) {
    try {
      await stop();
    } catch (err) {
      log.warn({ event: 'stop-failed', failure: describeFailure(err) }, 'a hotspot part did not stop cleanly');
    }
  }
}
