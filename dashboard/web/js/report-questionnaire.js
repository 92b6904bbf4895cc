// The questionnaire's answers, one bar list per question, each bar with its number and share written out
// (the bar only repeats the number for the eye). Shown only when some unit had the questionnaire on.

import { el } from './dom.js';

export const QUESTIONS = {
  reason: ['admin', 'job', 'family', 'school', 'other'],
  autonomy: ['alone', 'help', 'hard'],
  access: ['home', 'mobile', 'none'],
};

export function renderQuestionnaire(container, questionnaire, i18n) {
  const intro = el('p', { class: 'questionnaire-total' }, [
    i18n.t('questionnaire.responses', { count: i18n.format.integer.format(questionnaire.responses) }),
  ]);
  const blocks = Object.entries(QUESTIONS).map(([question, answers]) => {
    const counts = questionnaire.answers[question] ?? {};
    const total = answers.reduce((sum, a) => sum + (counts[a] ?? 0), 0);
    const headingId = `question-${question}`;
    const items = answers.map((answer) => {
      const value = counts[answer] ?? 0;
      const share = total > 0 ? value / total : 0;
      const fill = el('span', { class: 'bar-fill' });
      fill.style.width = `${(share * 100).toFixed(1)}%`;
      return el('li', { class: 'answer', 'data-answer': answer }, [
        el('span', { class: 'answer-label' }, [i18n.t(`questionnaire.${question}.${answer}`)]),
        el('span', { class: 'bar', 'aria-hidden': 'true' }, [fill]),
        el('span', { class: 'answer-value' }, [
          i18n.t('questionnaire.value', {
            count: i18n.format.integer.format(value),
            share: i18n.format.percent.format(share),
          }),
        ]),
      ]);
    });
    return el('section', { class: 'question', 'aria-labelledby': headingId, 'data-question': question }, [
      el('h3', { id: headingId }, [i18n.t(`questionnaire.${question}`)]),
      el('p', { class: 'question-total' }, [
        i18n.t('questionnaire.answered', { count: i18n.format.integer.format(total) }),
      ]),
      el('ul', { class: 'answers' }, items),
    ]);
  });
  container.replaceChildren(intro, el('div', { class: 'questions' }, blocks));
}
