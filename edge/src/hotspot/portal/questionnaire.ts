import { QUESTION_IDS, QUESTIONNAIRE, type QuestionId, type QuestionnaireToday } from '../../contract/records.js';
import { LocalDay } from '../sessions/local-day.js';
import { DEFAULT_TIME_ZONE } from '../sessions/options.js';

/**
 * The optional digital-needs questionnaire: three questions, each one answer among fixed options.
 * Answers are added to counters the moment they arrive and are never kept per resident, so nothing
 * in memory links an answer to an address, a time or another answer. The counters cover one local day,
 * like the sessions' daily counts; they live in memory only, so a restart starts them again.
 */

/** The questions and options, from the contract: the dashboard reads the counts by the same list. */
export const QUESTIONS = QUESTIONNAIRE;
export { QUESTION_IDS, type QuestionId };

export type Answers = Partial<Record<QuestionId, string>>;

/** What telemetry carries as `hotspot.questionnaireToday`. */
export type QuestionnaireTotals = QuestionnaireToday;

export interface TallyOptions {
  now: () => number;
  /** Whose midnight starts a new count; the sessions' default, so both days end together. */
  timeZone?: string;
}

export class QuestionnaireTally {
  private readonly now: () => number;
  private readonly day: LocalDay;
  private today: string;
  private responses = 0;
  private counts = emptyCounts();

  constructor(options: TallyOptions) {
    this.now = options.now;
    this.day = new LocalDay(options.timeZone ?? DEFAULT_TIME_ZONE);
    this.today = this.day.key(this.now());
  }

  /** Unknown questions or options are ignored here: the route's schema has already refused them. */
  record(answers: Answers): void {
    this.rollIfNewDay();
    let answered = false;
    for (const q of QUESTION_IDS) {
      const option = answers[q];
      const counts = this.counts.get(q);
      const current = option === undefined ? undefined : counts?.get(option);
      if (option === undefined || counts === undefined || current === undefined) continue;
      counts.set(option, current + 1);
      answered = true;
    }
    if (answered) this.responses += 1;
  }

  /** Today's counts, every option present. A fresh object each call, so a caller may keep it. */
  totals(): QuestionnaireTotals {
    this.rollIfNewDay();
    const answers = Object.fromEntries(
      QUESTION_IDS.map((q) => [q, Object.fromEntries(this.counts.get(q) ?? [])]),
    ) as QuestionnaireTotals['answers'];
    return { responses: this.responses, answers };
  }

  /** Checked on every entry point rather than by a timer: nobody can see the counts without passing here. */
  private rollIfNewDay(): void {
    const key = this.day.key(this.now());
    if (key === this.today) return;
    this.today = key;
    this.responses = 0;
    this.counts = emptyCounts();
  }
}

function emptyCounts(): Map<QuestionId, Map<string, number>> {
  return new Map(QUESTION_IDS.map((q) => [q, new Map(QUESTIONS[q].map((option) => [option, 0]))]));
}
