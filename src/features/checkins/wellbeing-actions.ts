import { z } from 'zod';
import { actionArgs, defineAction } from '../../core/flow-action.js';
import type { MediaRef } from '../../core/messages.js';
import type { CheckinsActionDeps } from './checkins-ports.js';
import { MediaRejectedError } from '../updates/media-intake.js';
import { inLanguage } from './checkin-words.js';

const id = z.string().min(1);
const month = z.string().regex(/^\d{4}-\d{2}$/);

/** The button that switches a wellbeing check-in off for good; the flow branches on it. */
export const DONT_ASK = 'dont_ask';

/** An instrument's words with the child's name in place. */
function withChild(text: string, childName: string): string {
  return text.replaceAll('{{child_name}}', childName);
}

export const wellbeingActions = [
  defineAction<CheckinsActionDeps>({
    name: 'checkins.beginWellbeing',
    outcomes: ['ok', 'gone'],
    args: actionArgs(['instrument_id', 'child_id', 'month']),
    async run({ checkins }, { person, args }) {
      const started = await checkins.wellbeing.begin(person.id, id.parse(args.instrument_id), id.parse(args.child_id), month.parse(args.month));
      if (!started) return { outcome: 'gone' };
      return { vars: { checkin_id: started.checkInId, child_name: started.childName, wellbeing_intro: withChild(inLanguage(started.intro, person.locale), started.childName) } };
    },
  }),
  defineAction<CheckinsActionDeps>({
    name: 'checkins.nextWellbeingItem',
    outcomes: ['ok', 'finished', 'gone'],
    args: actionArgs(['checkin_id']),
    async run({ checkins, translate }, { person, args }) {
      const next = await checkins.wellbeing.next(person.id, id.parse(args.checkin_id));
      if (next === 'gone') return { outcome: 'gone' };
      if (!next) return { outcome: 'finished' };
      const ask = withChild(inLanguage(next.item.ask, person.locale), next.childName);
      const choices = [
        ...next.instrument.answers.map((answer) => ({ id: answer.id, label: inLanguage(answer.label, person.locale) })),
        { id: DONT_ASK, label: translate(person.locale, 'checkins:wellbeing.dont_ask') },
      ];
      const voice = await checkins.voice.speak(person.locale, ask);
      return { vars: { item_id: next.item.id, item_ask: ask, item_number: next.number, item_count: next.count, answer_choices: choices, item_voice: voice ?? null } };
    },
  }),
  defineAction<CheckinsActionDeps>({
    name: 'checkins.answerWellbeing',
    outcomes: ['ok', 'gone'],
    args: actionArgs(['checkin_id', 'answer']),
    async run({ checkins }, { person, args }) {
      return (await checkins.wellbeing.answer(person.id, id.parse(args.checkin_id), id.parse(args.answer))) === 'saved' ? {} : { outcome: 'gone' };
    },
  }),
  defineAction<CheckinsActionDeps>({
    name: 'checkins.finishWellbeing',
    outcomes: ['ok', 'gone'],
    args: actionArgs(['checkin_id']),
    async run({ checkins }, { person, args }) {
      return (await checkins.wellbeing.finish(person.id, id.parse(args.checkin_id), person.displayName)) ? {} : { outcome: 'gone' };
    },
  }),
  defineAction<CheckinsActionDeps>({
    name: 'checkins.optOutWellbeing',
    outcomes: ['ok'],
    args: actionArgs(['instrument_id']),
    async run({ checkins }, { person, args }) {
      await checkins.wellbeingSchedules.optOut(person.id, id.parse(args.instrument_id));
      return {};
    },
  }),
  defineAction<CheckinsActionDeps>({
    name: 'checkins.answerByVoice',
    outcomes: ['ok', 'not_voice', 'gone', 'rejected'],
    args: actionArgs(['checkin_id', 'item_id', 'answer']),
    async run({ checkins }, { person, args }) {
      // A choice question taking voice (`accept_media`) holds either a choice id or the note itself.
      const note = args.answer as (Partial<MediaRef> & { kind?: unknown }) | string | null;
      if (typeof note !== 'object' || note === null || note.kind !== 'voice') return { outcome: 'not_voice' };
      if (typeof note.fileId !== 'string' || typeof note.channel !== 'string') return { outcome: 'gone' };
      try {
        const saved = await checkins.voiceAnswers.save(person, id.parse(args.checkin_id), id.parse(args.item_id), note as MediaRef);
        return saved === 'saved' ? {} : { outcome: 'gone' };
      } catch (error) {
        if (error instanceof MediaRejectedError) return { outcome: 'rejected' };
        throw error;
      }
    },
  }),
];
