import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

/** No portal sees this many answers in a day: anything above is a fault, not a figure to add up. */
const MAX_PER_DAY = 1_000_000;
const Count = Type.Integer({ minimum: 0, maximum: MAX_PER_DAY });
// Option names as the portal spells them ("admin", "help"): never "__proto__" or anything a person typed.
const Counts = Type.Record(Type.String({ pattern: '^[a-z][a-zA-Z0-9-]{0,31}$' }), Count, {
  maxProperties: 32,
  additionalProperties: false,
});

/**
 * The portal's questionnaire tally since local midnight, as the hotspot kind carries it
 * (`questionnaireToday`): counts per question and option, never an answer tied to a resident.
 * Checked here on its own, so a unit running an older or newer contract cannot put anything else in a report.
 */
export const QuestionnaireCountsSchema = Type.Object({
  responses: Type.Integer({ minimum: 0, maximum: MAX_PER_DAY, description: 'Connexions avec au moins une réponse' }),
  answers: Type.Object({
    reason: Counts,
    autonomy: Counts,
    access: Counts,
  }),
});

export type QuestionnaireCounts = Static<typeof QuestionnaireCountsSchema>;

const check = TypeCompiler.Compile(QuestionnaireCountsSchema);
const QUESTIONS = ['reason', 'autonomy', 'access'] as const;

/** The tally when `value` has the expected shape, with only the known questions kept; else undefined. */
export function questionnaireOf(value: unknown): QuestionnaireCounts | undefined {
  if (!check.Check(value)) return undefined;
  const { reason, autonomy, access } = value.answers;
  return {
    responses: value.responses,
    answers: { reason: { ...reason }, autonomy: { ...autonomy }, access: { ...access } },
  };
}

/** An empty tally to add others to. */
export function noAnswers(): QuestionnaireCounts {
  return { responses: 0, answers: { reason: {}, autonomy: {}, access: {} } };
}

/** Adds `more` into `total` (mutates and returns `total`). */
export function addAnswers(total: QuestionnaireCounts, more: QuestionnaireCounts): QuestionnaireCounts {
  total.responses += more.responses;
  for (const question of QUESTIONS) {
    const into = total.answers[question];
    for (const [option, n] of Object.entries(more.answers[question])) into[option] = (into[option] ?? 0) + n;
  }
  return total;
}
