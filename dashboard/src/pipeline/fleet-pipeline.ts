import { applyRecord, type ReconstructedState } from '@triporteur/edge/contract';
import type { Logger } from 'pino';
import type { AlertEngine } from '../alerts/alerts.js';
import type { FleetBus } from '../bus/bus.js';
import { type FleetSignal, inRuns, type SeqRun, seqRuns } from '../bus/signals.js';
import type { FleetHistoryStore } from '../fleet/fleet-store.js';
import type { FleetEvents, FleetTracker } from '../fleet/fleet-tracker.js';
import type { PresenceTracker, PresenceTransition } from '../fleet/presence.js';
import { type FleetSample, sampleFromState } from '../fleet/sample.js';
import { HotspotDayBatch, type HotspotDayStore } from '../reports/hotspot-days.js';
import type { StoredRecordSource } from '../store/types.js';

export interface FleetPipelineDeps {
  bus: FleetBus;
  /** Where the records a signal points at are read back (the fleet store). */
  records: StoredRecordSource;
  /** Units whose stored state says online, for presence when this process takes the lead. */
  onlineUnits: () => Promise<readonly string[]>;
  unitIds: readonly string[];
  presence: PresenceTracker;
  tracker: FleetTracker;
  derived: FleetHistoryStore;
  alerts: AlertEngine;
  /** Each unit-day's highest hotspot counters, for the impact report; without it they are not kept. */
  hotspotDays?: Pick<HotspotDayStore, 'record'>;
  /** Local days (outings never cross midnight) are in this zone. */
  timeZone: string;
  logger: Logger;
  now?: () => number;
  /** How often presence deadlines and silent stops are checked. Default 30 s. */
  tickMs?: number;
}

interface HeldBoot {
  bootId: string;
  lastSeq: number;
  state: ReconstructedState;
  /** The seqs the last rebuild read: their own signals, still queued then, bring nothing new. */
  rebuilt: SeqRun[];
}

type RecordsSignal = Extract<FleetSignal, { kind: 'records' }>;

/**
 * What stored messages mean for the fleet: presence with its grace period, stops, outings and zone
 * crossings (fleet/), and alerts. It hears the bus's signals, so it sees what any dashboard process
 * stored, and reads the records back from the store: positions as stored (nothing while paused).
 *
 * Only the leading process runs it. Records are folded per unit in seq order as they come. When records
 * land in the past (an outbox replaying after a dead zone, an old boot, or two processes committing a
 * unit's batches out of order) the unit's model is rebuilt from the stored records, from local midnight
 * of the earliest one, and its stored stops, outings and zone events from then on are replaced.
 */
export class FleetPipeline {
  private readonly boots = new Map<string, HeldBoot>();
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: (() => void)[];
  private chain: Promise<void> = Promise.resolve();
  private leading = false;
  rebuilds = 0;

  constructor(private readonly deps: FleetPipelineDeps) {
    this.now = deps.now ?? Date.now;
    this.timer = setInterval(() => void this.enqueue(() => this.tick()), deps.tickMs ?? 30_000);
    this.timer.unref();
    this.unsubscribe = [
      deps.bus.subscribe((signal) => void this.enqueue(() => this.onSignal(signal))),
      deps.bus.onLeadership((leading) => void this.enqueue(() => this.onLeadership(leading))),
    ];
  }

  /** Resolves once every signal received so far has been handled. */
  idle(): Promise<void> {
    return this.chain;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const stop of this.unsubscribe) stop();
    await this.chain;
  }

  /** One at a time, in arrival order: a unit's records must be folded in the order they were stored. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(task).catch((err: unknown) => {
      this.deps.logger.error({ err }, 'fleet pipeline step failed');
    });
    return this.chain;
  }

  private async onLeadership(leading: boolean): Promise<void> {
    if (leading === this.leading) return;
    this.leading = leading;
    this.boots.clear();
    this.deps.tracker.clear();
    if (!leading) return;
    // Taking over: what the previous leader knew is in the store. Retained states are not replayed to
    // shared subscriptions, so presence starts from the units the store says are online.
    await this.deps.alerts.start();
    for (const unitId of this.deps.unitIds) {
      this.deps.tracker.seedZones(unitId, await this.deps.derived.zonesInside(unitId));
    }
    const now = this.now();
    for (const unitId of await this.deps.onlineUnits()) {
      await this.presenceChanged(this.deps.presence.onState(unitId, 'online', now));
    }
  }

  private async onSignal(signal: FleetSignal): Promise<void> {
    if (!this.leading) return;
    const now = this.now();
    if (signal.kind === 'state') {
      await this.presenceChanged(this.deps.presence.onState(signal.unitId, signal.state, now));
      return;
    }
    if (signal.kind !== 'records') return;
    await this.presenceChanged(this.deps.presence.onSeen(signal.unitId, now));
    await this.onRecords(signal);
  }

  private async onRecords(signal: RecordsSignal): Promise<void> {
    const { unitId, bootId, seqs } = signal;
    const from = seqs[0]?.[0] ?? 0;
    const to = seqs.at(-1)?.[1] ?? 0;
    const records = (await this.deps.records.storedRecords(unitId, bootId, from, to)).filter((r) =>
      inRuns(seqs, r.seq),
    );
    const first = records[0];
    if (!first) return; // purged by retention since
    const held = this.boots.get(unitId);
    // First records since this process took the lead (a start, a takeover): the day so far is in the store.
    if (!held) return this.rebuild(unitId, bootId, first.ts);
    if (held.bootId === bootId && records.every((r) => inRuns(held.rebuilt, r.seq))) return;
    // Late records of the followed boot (a replay, or two processes committing out of order).
    if (held.bootId === bootId && first.seq <= held.lastSeq) return this.rebuild(unitId, bootId, first.ts);
    // An older boot replayed from the outbox while the unit runs a newer one.
    const live = records.some((r) => !r.historical);
    if (held.bootId !== bootId && !live) return this.rebuild(unitId, held.bootId, first.ts);

    // The followed boot going on, or a new boot starting (its earlier records, if any, are stored).
    const before = held.bootId === bootId ? held.state : await this.fold(unitId, bootId, first.seq - 1);
    let state = before;
    let past: number | undefined;
    const days = new HotspotDayBatch(unitId, this.deps.timeZone);
    for (const record of records) {
      state = applyRecord(state, record);
      days.add(record);
      const events = this.deps.tracker.onRecord(unitId, record.ts, state, bootId);
      if (events.ignored) past = Math.min(past ?? record.ts, record.ts);
      else await this.derived(unitId, events);
    }
    // A record older than one the model has seen (a unit clock set back): rebuild from the store.
    if (past !== undefined) return this.rebuild(unitId, bootId, past);
    const rebuilt = held.bootId === bootId ? held.rebuilt : [];
    this.boots.set(unitId, { bootId, lastSeq: records.at(-1)?.seq ?? first.seq, state, rebuilt });
    await this.deps.alerts.onUnitState(unitId, before, state);
    await this.deps.hotspotDays?.record(days.rows);
  }

  /** The boot's state folded from its stored records up to `toSeq`. */
  private async fold(unitId: string, bootId: string, toSeq: number): Promise<ReconstructedState> {
    if (toSeq < 0) return {};
    let state: ReconstructedState = {};
    for (const record of await this.deps.records.storedRecords(unitId, bootId, 0, toSeq)) {
      state = applyRecord(state, record);
    }
    return state;
  }

  /**
   * Rebuilds the unit's stops, outings and zone events from local midnight of `ts` (or the start of the
   * stop running then) from every stored record since, and continues live from the end. `followBoot` is
   * the boot the unit runs now; its fold becomes the held state. Rebuilt zone crossings are in the past
   * and raise no alerts.
   */
  private async rebuild(unitId: string, followBoot: string, ts: number): Promise<void> {
    this.rebuilds++;
    const start = await this.deps.derived.recomputeStart(unitId, ts, this.deps.timeZone);
    const samples: FleetSample[] = [];
    const days = new HotspotDayBatch(unitId, this.deps.timeZone);
    let followed: HeldBoot | undefined;
    for (const bootId of await this.deps.records.bootsSince(unitId, start)) {
      let state: ReconstructedState = {};
      const stored = await this.deps.records.storedRecords(unitId, bootId);
      for (const record of stored) {
        state = applyRecord(state, record);
        if (record.ts < start) continue;
        samples.push(sampleFromState(record.ts, state, bootId));
        days.add(record);
      }
      const seqs = stored.map((r) => r.seq);
      if (bootId === followBoot) followed = { bootId, lastSeq: seqs.at(-1) ?? -1, state, rebuilt: seqRuns(seqs) };
    }
    const inside = await this.deps.derived.zonesInside(unitId, start);
    const result = this.deps.tracker.rebuild(unitId, samples, inside);
    await this.deps.derived.replaceFrom(unitId, start, result);
    this.deps.logger.info(
      { unitId, from: new Date(start).toISOString(), samples: samples.length, stops: result.stops.length },
      'records landed in the past: fleet model rebuilt',
    );
    const held = this.boots.get(unitId);
    if (followed) {
      this.boots.set(unitId, followed);
      await this.deps.alerts.onUnitState(unitId, held?.bootId === followed.bootId ? held.state : {}, followed.state);
    }
    // Counters only ever raise a day's row, so replayed records add what the live ones missed.
    await this.deps.hotspotDays?.record(days.rows);
  }

  private async derived(unitId: string, events: FleetEvents): Promise<void> {
    await this.deps.derived.record(unitId, events);
    for (const event of events.zoneEvents) await this.deps.alerts.onZoneEvent(unitId, event);
  }

  private async presenceChanged(transitions: readonly PresenceTransition[]): Promise<void> {
    for (const transition of transitions) await this.deps.alerts.onPresence(transition.unitId, transition);
  }

  private async tick(): Promise<void> {
    if (!this.leading) return;
    const now = this.now();
    await this.presenceChanged(this.deps.presence.tick(now));
    for (const events of this.deps.tracker.tick(now)) await this.derived(events.unitId, events);
  }
}
