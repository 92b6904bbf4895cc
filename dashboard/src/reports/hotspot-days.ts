import { localDate, startOfLocalDay } from '../fleet/local-day.js';
import type { SqlDb } from '../store/sql/types.js';
import { type QuestionnaireCounts, questionnaireOf } from './questionnaire.js';

/** One unit's hotspot figures for one local day. */
export interface HotspotDay {
  unitId: string;
  /** 'YYYY-MM-DD' in the fleet's time zone. */
  day: string;
  /** Local midnight that began the day, ms. */
  dayStart: number;
  /** Highest `sessionsToday` seen that day: the sessions the portal opened. */
  sessions: number;
  /** Highest `distinctDevicesToday` seen that day: the distinct devices (daily salt on the unit). */
  devices: number;
  /** The day's questionnaire tally with the most responses; absent when the questionnaire was off. */
  questionnaire?: QuestionnaireCounts;
}

type Row = {
  unit_id: string;
  day: string;
  day_start: number;
  sessions_max: number;
  devices_max: number;
  questionnaire: string | null;
};

// Both engines evaluate every right-hand side on the row as it was, so the two questionnaire columns
// agree. A replayed older record (lower counters) never lowers what is stored.
const UPSERT = `
  INSERT INTO hotspot_days (unit_id, day, day_start, sessions_max, devices_max, questionnaire_responses, questionnaire)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (unit_id, day) DO UPDATE SET
    sessions_max = CASE WHEN excluded.sessions_max > hotspot_days.sessions_max
      THEN excluded.sessions_max ELSE hotspot_days.sessions_max END,
    devices_max = CASE WHEN excluded.devices_max > hotspot_days.devices_max
      THEN excluded.devices_max ELSE hotspot_days.devices_max END,
    questionnaire_responses = CASE WHEN excluded.questionnaire IS NOT NULL AND (hotspot_days.questionnaire IS NULL
        OR excluded.questionnaire_responses >= hotspot_days.questionnaire_responses)
      THEN excluded.questionnaire_responses ELSE hotspot_days.questionnaire_responses END,
    questionnaire = CASE WHEN excluded.questionnaire IS NOT NULL AND (hotspot_days.questionnaire IS NULL
        OR excluded.questionnaire_responses >= hotspot_days.questionnaire_responses)
      THEN excluded.questionnaire ELSE hotspot_days.questionnaire END`;

/** The daily hotspot table on the SqlDb seam; run REPORT_MIGRATIONS first. */
export class HotspotDayStore {
  constructor(private readonly db: SqlDb) {}

  /** Raises each (unit, day) to the figures given, in one transaction. Idempotent. */
  async record(days: readonly HotspotDay[]): Promise<void> {
    if (days.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const d of days) {
        const q = d.questionnaire;
        await tx.run(UPSERT, [
          d.unitId,
          d.day,
          d.dayStart,
          d.sessions,
          d.devices,
          q ? q.responses : null,
          q ? JSON.stringify(q) : null,
        ]);
      }
    });
  }

  /** Every unit's rows for the days `firstDay` to `lastDay` inclusive ('YYYY-MM-DD' sorts as text). */
  async between(firstDay: string, lastDay: string): Promise<HotspotDay[]> {
    const rows = await this.db.all<Row>(
      `SELECT unit_id, day, day_start, sessions_max, devices_max, questionnaire FROM hotspot_days
       WHERE day >= $1 AND day <= $2 ORDER BY unit_id, day`,
      [firstDay, lastDay],
    );
    return rows.map((r) => {
      // Checked again on the way out: the column is text, and a report must never carry anything else.
      const questionnaire = r.questionnaire === null ? undefined : questionnaireOf(JSON.parse(r.questionnaire));
      return {
        unitId: r.unit_id,
        day: r.day,
        dayStart: r.day_start,
        sessions: r.sessions_max,
        devices: r.devices_max,
        ...(questionnaire ? { questionnaire } : {}),
      };
    });
  }
}

/**
 * Collects one unit's daily figures from its records: the counters each record's hotspot part carries,
 * filed under that record's local day, the highest per day kept. The record's own fields, not the folded
 * state: the counters are sent on every change, and a record just after midnight whose fold still holds
 * yesterday's totals must not lend them to the new day.
 */
export class HotspotDayBatch {
  private readonly days = new Map<string, HotspotDay>();

  constructor(
    private readonly unitId: string,
    private readonly timeZone: string,
  ) {}

  add(record: { ts: number; hotspot?: object }): void {
    if (record.hotspot === undefined) return;
    const fields = record.hotspot as {
      sessionsToday?: unknown;
      distinctDevicesToday?: unknown;
      questionnaireToday?: unknown;
    };
    const sessions = count(fields.sessionsToday);
    const devices = count(fields.distinctDevicesToday);
    // Read defensively: the questionnaire field is newer than some units' contract.
    const questionnaire = questionnaireOf(fields.questionnaireToday);
    if (sessions === undefined && devices === undefined && !questionnaire) return;
    const day = localDate(record.ts, this.timeZone);
    const held = this.days.get(day);
    const better = questionnaire && (!held?.questionnaire || questionnaire.responses >= held.questionnaire.responses);
    const kept = better ? questionnaire : held?.questionnaire;
    this.days.set(day, {
      unitId: this.unitId,
      day,
      dayStart: startOfLocalDay(record.ts, this.timeZone),
      sessions: Math.max(held?.sessions ?? 0, sessions ?? 0),
      devices: Math.max(held?.devices ?? 0, devices ?? 0),
      ...(kept ? { questionnaire: kept } : {}),
    });
  }

  get rows(): HotspotDay[] {
    return [...this.days.values()];
  }
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
