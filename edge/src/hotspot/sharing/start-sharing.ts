import type { Clock } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import type { HotspotConfig } from '../config.js';
import { LocalDay } from '../sessions/local-day.js';
import { DEFAULT_TIME_ZONE } from '../sessions/options.js';
import { QuotaMeter } from '../sessions/quota-meter.js';
import { describeFailure } from '../sessions/scrub.js';
import type { CommandRunner } from '../system/command.js';
import { writeBlocklist } from './blocklist.js';
import { hasQuota } from './client-classes.js';
import { Shaper } from './shaper.js';
import { readUsage } from './usage.js';

export interface Sharing {
  /** For HotspotSessions' `quota` option; absent when no quota is configured. */
  readonly quota: QuotaMeter | undefined;
  /** Starts the quota meter's periodic reads (once the sessions are running). */
  start(): void;
  stop(): void;
}

/**
 * Fair sharing and filtering, set up after the ruleset is applied: the tc ceilings, the blocklist's
 * dnsmasq file, and the quota meter. A missing uplink interface or a bad blocklist is logged and the
 * hotspot runs on (residents are better served unfiltered than not at all); tc refusing the tree is not.
 */
export async function setUpSharing(
  config: HotspotConfig,
  options: { runner: CommandRunner; clock: Clock; logger: Logger },
): Promise<Sharing> {
  const { runner, clock, logger } = options;
  const log = logger.child({ module: 'hotspot-sharing' });
  const shaping = await new Shaper(runner).apply(config);
  if (shaping.shaped.length > 0 || shaping.unshaped.length > 0) {
    log.info({ event: 'ceilings-applied', ...shaping }, 'per-client ceilings in force');
  }
  if (shaping.missing.length > 0) {
    log.warn(
      { event: 'ceilings-missing-interface', missing: shaping.missing },
      'no such interface: its residents have no ceiling until the next start',
    );
  }
  if (config.filter.enabled) {
    try {
      const domains = await writeBlocklist(config.filter);
      log.info({ event: 'blocklist-written', domains }, 'DNS blocklist written for dnsmasq');
    } catch (err) {
      log.warn(
        { event: 'blocklist-failed', failure: describeFailure(err) },
        'blocklist not applied; dnsmasq keeps the previous one',
      );
    }
  }
  const quota = hasQuota(config) ? newQuotaMeter(config, runner, clock, logger) : undefined;
  return {
    quota,
    start: () => quota?.start(),
    stop: () => quota?.stop(),
  };
}

function newQuotaMeter(config: HotspotConfig, runner: CommandRunner, clock: Clock, logger: Logger): QuotaMeter {
  const day = new LocalDay(DEFAULT_TIME_ZONE);
  const { bytesPerSession, bytesPerDay, checkIntervalS } = config.quota;
  return new QuotaMeter({
    limits: { ...(bytesPerSession ? { bytesPerSession } : {}), ...(bytesPerDay ? { bytesPerDay } : {}) },
    readUsage: () => readUsage(runner),
    clock,
    dayOf: (at) => day.key(at),
    logger,
    checkIntervalMs: checkIntervalS * 1000,
  });
}
