import { EdgeError, EdgeErrorCode } from '../errors.js';
import type { Weekday, WorkingPeriod } from './config.js';

const minutes = (hhmm: string): number => {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/**
 * Whether an instant falls inside the working hours, in the schedule's time zone (ICU data, so the
 * DST changes come out right). Periods run from `from` included to `to` excluded, within one day.
 */
export class WorkingHours {
  private readonly format: Intl.DateTimeFormat;
  private readonly periods: readonly { days: ReadonlySet<Weekday>; from: number; to: number }[];

  constructor(periods: readonly WorkingPeriod[], timeZone: string) {
    try {
      this.format = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    } catch (err) {
      throw new EdgeError(EdgeErrorCode.CONFIG_INVALID, `privacy.timeZone: unknown time zone "${timeZone}"`, {
        cause: err,
      });
    }
    this.periods = periods.map((period, i) => {
      const from = minutes(period.from);
      const to = minutes(period.to);
      if (to <= from) {
        throw new EdgeError(
          EdgeErrorCode.CONFIG_INVALID,
          `privacy.workingHours[${i}]: "to" (${period.to}) must come after "from" (${period.from}) on the same day`,
        );
      }
      return { days: new Set(period.days), from, to };
    });
  }

  contains(at: number): boolean {
    const parts = this.format.formatToParts(at);
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    const day = part('weekday').toLowerCase().slice(0, 3) as Weekday;
    const now = Number(part('hour')) * 60 + Number(part('minute'));
    return this.periods.some((p) => p.days.has(day) && now >= p.from && now < p.to);
  }
}
