import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch } from '../src/contract/encoding.js';
import { applyRecord, RECORD_KINDS, type ReconstructedState, type TelemetryRecordV2 } from '../src/contract/records.js';
import { recordsConfig } from '../src/records/config.js';
import { foldRecord } from '../src/records/fold.js';
import { LOCATION_FIELDS } from '../src/records/kinds.js';
import { ReportByException } from '../src/records/rbe.js';
import { BatchQueue } from '../src/records/testing/batch-queue.js';
import { checkReconstruction } from '../src/records/testing/reconstruction.js';
import { rideHour, type Tick } from '../src/records/testing/ride-hour.js';

/**
 * The dashboard's view, rebuilt only from what went over the wire, must stay within the deadbands
 * of the true samples at every 10-s tick of the hour.
 */

const config = recordsConfig();

function replay(hour: Tick[]): TelemetryRecordV2[] {
  const rbe = new ReportByException(config);
  const queue = new BatchQueue({ intervalMs: config.batchIntervalMs });
  const wire: Uint8Array[] = [];
  for (const tick of hour) {
    for (const sample of [tick.battery, tick.motor, tick.position, tick.aux, tick.system, tick.hotspot, tick.uplink]) {
      rbe.observe(sample);
    }
    const out = rbe.evaluate(tick.at);
    if (out) queue.push(out.body, out.urgent);
    if (queue.due(tick.at)) wire.push(encodeBatch({ v: 2, bootId: 'boot-0001', records: queue.take() }));
  }
  if (queue.size > 0) wire.push(encodeBatch({ v: 2, bootId: 'boot-0001', records: queue.take() }));
  return wire.flatMap((bytes) => {
    const decoded = decodeBatch(bytes);
    if (!decoded.ok || decoded.value.v !== 2) throw new Error(`batch refused: ${JSON.stringify(decoded)}`);
    return decoded.value.records;
  });
}

const check = (hour: Tick[], records: TelemetryRecordV2[]) => checkReconstruction(hour, records, config);

describe('dashboard-side reconstruction of a synthetic hour (ride + park)', () => {
  const hour = rideHour();
  const records = replay(hour);

  it('stays within the deadbands of the true samples at every 10-s tick', () => {
    expect(check(hour, records)).toEqual([]);
  });

  it('does so too over an hour of riding, and over other random hours', () => {
    for (const options of [{ allRiding: true }, { seed: 1 }, { seed: 2, allRiding: true }, { seed: 3 }]) {
      const other = rideHour(options);
      expect(check(other, replay(other)), JSON.stringify(options)).toEqual([]);
    }
  });

  it('is a real check: losing one delta record mid-ride breaks it', () => {
    const midRide = hour[60]?.at ?? 0;
    const lost = records.findIndex((r) => r.ts > midRide && r.battery !== undefined && !('full' in r.battery));
    expect(lost).toBeGreaterThan(0);
    const problems = check(hour, records.toSpliced(lost, 1));
    expect(problems.length).toBeGreaterThan(0);
  });

  it('survives outbox thinning when each dropped record is folded into the next', () => {
    // The outbox drops every other record of a run; folding keeps what followed exact.
    const thinned: TelemetryRecordV2[] = [];
    let carry: TelemetryRecordV2 | undefined;
    records.forEach((record, i) => {
      const folded = carry ? foldRecord(carry, record) : record;
      carry = i % 2 === 1 && i < records.length - 1 ? folded : undefined;
      if (!carry) thinned.push(folded);
    });
    expect(thinned.length).toBeLessThan(records.length * 0.6);
    const replayAll = (list: TelemetryRecordV2[]) => list.reduce<ReconstructedState>(applyRecord, {});
    const full = replayAll(records);
    const thin = replayAll(thinned);
    for (const kind of RECORD_KINDS) expect(thin[kind]?.values, kind).toEqual(full[kind]?.values);
    // And at every surviving record's tick, the thinned view is still within the deadbands.
    const kept = new Set(thinned.map((r) => r.ts));
    const problems = check(hour, thinned).filter((p) => kept.has(Date.parse(p.slice(0, 24))));
    expect(problems).toEqual([]);
  });

  it('numbers records without gaps and sends fewer than one per tick', () => {
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i));
    expect(records.length).toBeLessThan(hour.length);
  });

  it('sends no location while the pause switch is on, and says so', () => {
    const paused = hour.filter((t) => t.aux.pauseLocation).map((t) => t.at);
    const during = records.filter((r) => r.ts >= (paused[0] ?? 0) && r.ts <= (paused.at(-1) ?? 0));
    expect(during.length).toBeGreaterThan(0);
    for (const record of during) {
      for (const field of LOCATION_FIELDS) expect(record.position?.[field]).toBeUndefined();
    }
    expect(during.some((r) => r.position && 'full' in r.position && r.position.paused === true)).toBe(true);
  });

  it('carries counts only from the hotspot: no MAC or IP address anywhere on the wire', () => {
    const text = JSON.stringify(records);
    expect(text).not.toMatch(/([0-9a-f]{2}:){5}[0-9a-f]{2}/i);
    expect(text).not.toMatch(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/);
  });
});
