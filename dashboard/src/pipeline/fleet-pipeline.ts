import { applyRecord, type ReconstructedState, type TelemetryRecordV2 } from '@triporteur/edge/contract';
import type { Logger } from 'pino';
import type { AlertEngine } from '../alerts/alerts.js';
import type { FleetHistoryStore } from '../fleet/fleet-store.js';
import type { FleetEvents, FleetTracker } from '../fleet/fleet-tracker.js';
import type { PresenceTracker, PresenceTransition } from '../fleet/presence.js';
import type { IngestNotice } from '../ingest/ingest.js';

export interface FleetPipelineDeps {
  presence: PresenceTracker;
  tracker: FleetTracker;
  derived: FleetHistoryStore;
  alerts: AlertEngine;
  logger: Logger;
  now?: () => number;
  /** How often presence deadlines and silent stops are checked. Default 30 s. */
  tickMs?: number;
}

interface HeldBoot {
  bootId: string;
  lastSeq: number;
  state: ReconstructedState;
}

/**
 * What each stored message means for the fleet: presence with its grace period, stops, outings and
 * zone crossings (fleet/), and alerts. Ingest hands it its notices (`handle`), so it only ever sees
 * what the store accepted, each record once; ingest waits for it, so it never falls behind.
 *
 * Live records are folded here in seq order as they arrive. A replay of older records (an outbox
 * flushing after a dead zone) is stored and feeds the alerts' last state, but stops and outings are
 * derived from live order only: the tracker ignores what is older than what it has seen.
 */
export class FleetPipeline {
  private readonly boots = new Map<string, HeldBoot>();
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: FleetPipelineDeps) {
    this.now = deps.now ?? Date.now;
    this.timer = setInterval(() => void this.enqueue(() => this.tick()), deps.tickMs ?? 30_000);
    this.timer.unref();
  }

  /** Takes one of ingest's notices; resolves once it (and every earlier one) has been handled. */
  handle(notice: IngestNotice): Promise<void> {
    return this.enqueue(() => this.onNotice(notice));
  }

  /** Resolves once every notice received so far has been handled. */
  idle(): Promise<void> {
    return this.chain;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.chain;
  }

  /** One at a time, in arrival order: a unit's records must be folded in the order they were stored. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(task).catch((err: unknown) => {
      this.deps.logger.error({ err }, 'fleet pipeline step failed');
    });
    return this.chain;
  }

  private async onNotice(notice: IngestNotice): Promise<void> {
    const now = this.now();
    if (notice.kind === 'state') {
      await this.presenceChanged(this.deps.presence.onState(notice.unitId, notice.state, now));
      return;
    }
    if (notice.kind !== 'records') return;
    await this.presenceChanged(this.deps.presence.onSeen(notice.unitId, now));
    await this.onRecords(notice.unitId, notice.bootId, notice.records);
  }

  private async onRecords(unitId: string, bootId: string, records: readonly TelemetryRecordV2[]): Promise<void> {
    const held = this.boots.get(unitId);
    const sameBoot = held?.bootId === bootId;
    const before = sameBoot && held ? held.state : {};
    let state = before;
    let lastSeq = sameBoot && held ? held.lastSeq : -1;
    for (const record of [...records].sort((a, b) => a.seq - b.seq)) {
      if (record.seq <= lastSeq) continue;
      state = applyRecord(state, record);
      lastSeq = record.seq;
      if (record.historical) continue;
      await this.derived(unitId, this.deps.tracker.onRecord(unitId, record.ts, state, bootId));
    }
    // A boot the pipeline has not followed (a restart, an old boot replayed) starts from nothing here.
    if (!held || sameBoot || records.some((r) => !r.historical)) this.boots.set(unitId, { bootId, lastSeq, state });
    await this.deps.alerts.onUnitState(unitId, before, state);
  }

  private async derived(unitId: string, events: FleetEvents): Promise<void> {
    await this.deps.derived.record(unitId, events);
    for (const event of events.zoneEvents) await this.deps.alerts.onZoneEvent(unitId, event);
  }

  private async presenceChanged(transitions: readonly PresenceTransition[]): Promise<void> {
    for (const transition of transitions) await this.deps.alerts.onPresence(transition.unitId, transition);
  }

  private async tick(): Promise<void> {
    const now = this.now();
    await this.presenceChanged(this.deps.presence.tick(now));
    for (const events of this.deps.tracker.tick(now)) await this.derived(events.unitId, events);
  }
}
