import type { Logger } from 'pino';
import type { RetentionConfig } from '../config.js';
import type { FleetHistoryStore } from '../fleet/fleet-store.js';
import { purgeExpired, type RetentionTarget } from '../store/retention.js';
import type { SqlDb } from '../store/sql/types.js';

const DAY_MS = 86_400_000;

/**
 * Purges expired data at start and then every `everyMs` (default hourly); stop locations are blanked
 * with the positions (the stop's figures stay with the aggregates). A failed pass is logged and tried
 * again at the next one: retention never stops the dashboard.
 */
export function startRetention(options: {
  db: SqlDb;
  config: RetentionConfig;
  targets: readonly RetentionTarget[];
  derived: FleetHistoryStore;
  logger: Logger;
  now?: () => number;
  everyMs?: number;
}): { pass(): Promise<void>; stop(): Promise<void> } {
  const log = options.logger.child({ module: 'retention' });
  const now = options.now ?? Date.now;
  let running: Promise<void> = Promise.resolve();
  const pass = () => {
    running = running.then(async () => {
      try {
        const at = now();
        const report = await purgeExpired(options.db, options.config, at, options.targets);
        const placesForgotten = await options.derived.forgetPlacesBefore(at - options.config.positionDays * DAY_MS);
        log.info({ ...report, placesForgotten }, 'retention pass');
      } catch (err) {
        log.error({ err }, 'retention pass failed; trying again at the next one');
      }
    });
    return running;
  };
  void pass();
  const timer = setInterval(() => void pass(), options.everyMs ?? 3_600_000);
  timer.unref();
  return {
    pass,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
