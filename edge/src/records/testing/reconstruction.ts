import type { AuxSample, BatterySample, MotorSample, PositionSample } from '@triporteur/firmware-bridge';
import {
  applyRecord,
  RECORD_KINDS,
  type ReconstructedState,
  type RecordBody,
  type RecordKind,
} from '../../contract/records.js';
import type { RecordsConfig } from '../config.js';
import { angleDelta, haversineM } from '../fields.js';
import { buildRules, LOCATION_FIELDS } from '../kinds.js';
import type { HotspotAggregate, SystemSample, UplinkHealth } from '../sources.js';

/**
 * The dashboard-side check of report-by-exception: the state rebuilt only from what went over the wire
 * must be within the deadbands of the true samples at every tick. Shared by the records tests and the
 * uplink bench (edge/bench/uplink), so both judge by the same rules.
 */

/** The latest sample of each kind at one instant: what the unit knew then. */
export interface Truth {
  at: number;
  battery: BatterySample;
  motor: MotorSample;
  position: PositionSample;
  aux: AuxSample;
  system?: SystemSample;
  hotspot?: HotspotAggregate;
  uplink?: UplinkHealth;
}

const SLACK = 1e-9;

/**
 * Every way the reconstruction differs from the truth at one tick, as readable strings. Heartbeat-only
 * and inferred fields are only checked for presence: they are exempt between heartbeats by design.
 */
export function differences(
  truth: Truth,
  state: ReconstructedState,
  config: RecordsConfig,
  kinds: readonly RecordKind[] = RECORD_KINDS,
): string[] {
  const rules = buildRules(config);
  const problems: string[] = [];
  const paused = truth.aux.pauseLocation;
  const gpsSpeed = truth.position.fix === 'none' ? undefined : truth.position.speedKmh;
  const moving = (gpsSpeed ?? truth.motor.speedKmh ?? 0) >= config.deadbands.position.movingKmh;
  for (const kind of kinds) {
    const sample = truth[kind] as unknown as Record<string, unknown> | undefined;
    const got = state[kind]?.values as Record<string, unknown> | undefined;
    if (!sample) {
      problems.push(`${kind}: no truth to compare with`);
      continue;
    }
    if (!got || !state[kind]?.complete) {
      problems.push(`${kind}: never sent in full`);
      continue;
    }
    const quality = (sample.quality ?? {}) as Record<string, string>;
    for (const [name, rule] of Object.entries(rules[kind])) {
      const where = `${kind}.${name}`;
      let want = sample[name];
      if (name === 'state') want = kind === 'battery' ? 'connected' : undefined;
      if (name === 'paused') want = kind === 'position' && paused ? true : undefined;
      if (kind === 'position' && paused && (LOCATION_FIELDS as readonly string[]).includes(name)) want = undefined;
      const have = got[name];
      if ((want === undefined) !== (have === undefined)) {
        problems.push(`${where}: present ${have !== undefined}, expected ${want !== undefined}`);
        continue;
      }
      if (want === undefined || rule.type === 'heartbeat' || quality[name] === 'inferred') continue;
      const off = (error: number, band: number) => {
        if (error > band + SLACK) problems.push(`${where}: off by ${error} (deadband ${band})`);
      };
      if (rule.type === 'number') off(Math.abs(Number(want) - Number(have)), rule.deadband);
      else if (rule.type === 'angle') off(angleDelta(Number(want), Number(have)), rule.deadband);
      else if (rule.type === 'numbers') {
        (want as number[]).forEach((v, i) => {
          off(Math.abs(v - Number((have as number[])[i])), rule.deadband);
        });
      } else if (rule.type === 'position' && name === 'lat') {
        const p = config.deadbands.position;
        const error = haversineM(Number(want), Number(sample.lon), Number(have), Number(got.lon));
        off(error, moving ? p.movingDistanceM : p.parkedDistanceM);
      } else if (rule.type === 'state' || rule.type === 'exact') {
        if (JSON.stringify(want) !== JSON.stringify(have)) problems.push(`${where}: ${have} instead of ${want}`);
      }
    }
    const wantQ = Object.fromEntries(Object.entries(quality).filter(([name, q]) => q !== 'ok' && name in got));
    if (JSON.stringify(got.q ?? {}) !== JSON.stringify(wantQ)) problems.push(`${kind}.q: ${JSON.stringify(got.q)}`);
  }
  return problems;
}

/**
 * Folds `records` (in seq order) and, at each truth's instant, compares the state rebuilt from the
 * records stamped up to then. Returns every problem, each prefixed with the tick's ISO time.
 */
export function checkReconstruction(
  truths: readonly Truth[],
  records: readonly RecordBody[],
  config: RecordsConfig,
  kinds: readonly RecordKind[] = RECORD_KINDS,
): string[] {
  let state: ReconstructedState = {};
  let next = 0;
  const problems: string[] = [];
  for (const truth of truths) {
    while (next < records.length && (records[next]?.ts ?? Number.POSITIVE_INFINITY) <= truth.at) {
      state = applyRecord(state, records[next] as RecordBody);
      next++;
    }
    for (const problem of differences(truth, state, config, kinds)) {
      problems.push(`${new Date(truth.at).toISOString()} ${problem}`);
    }
  }
  return problems;
}
