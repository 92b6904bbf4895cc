/**
 * The optional digital-needs questionnaire: three questions, each one answer among fixed options.
 * Answers are added to counters the moment they arrive and are never kept per resident, so nothing
 * in memory links an answer to an address, a time or another answer.
 */
export const QUESTIONS = {
  reason: ['admin', 'job', 'family', 'school', 'other'],
  autonomy: ['alone', 'help', 'hard'],
  access: ['home', 'mobile', 'none'],
} as const;

export type QuestionId = keyof typeof QUESTIONS;
export const QUESTION_IDS = Object.keys(QUESTIONS) as QuestionId[];

export type Answers = Partial<Record<QuestionId, string>>;

export interface QuestionnaireTotals {
  /** Logins that carried at least one answer. */
  responses: number;
  /** Per question, per option: how many times it was chosen. */
  answers: Record<QuestionId, Record<string, number>>;
}

export class QuestionnaireTally {
  private responses = 0;
  private readonly counts = new Map<QuestionId, Map<string, number>>(
    QUESTION_IDS.map((q) => [q, new Map(QUESTIONS[q].map((option) => [option, 0]))]),
  );

  /** Unknown questions or options are ignored here: the route's schema has already refused them. */
  record(answers: Answers): void {
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

  totals(): QuestionnaireTotals {
    const answers = Object.fromEntries(
      QUESTION_IDS.map((q) => [q, Object.fromEntries(this.counts.get(q) ?? [])]),
    ) as QuestionnaireTotals['answers'];
    return { responses: this.responses, answers };
  }
}
