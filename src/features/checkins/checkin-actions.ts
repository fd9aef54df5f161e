import { z } from 'zod';
import { actionArgs, defineAction } from '../../core/flow-action.js';
import type { CheckinsActionDeps } from './checkins-ports.js';
import { CHECKIN_EVENTS } from './checkin-events.js';
import type { FinishedCheckIn } from './check-ins.js';
import { ageLabel, inLanguage, playLines } from './checkin-words.js';

const months = z.coerce.number().int().positive();
const id = z.string().min(1);

export const checkinActions = [
  defineAction<CheckinsActionDeps>({
    name: 'checkins.begin',
    outcomes: ['ok', 'gone'],
    args: actionArgs(['child_id', 'months']),
    async run(services, { person, args }) {
      const started = await services.checkins.checkIns.begin(person.id, id.parse(args.child_id), months.parse(args.months));
      if (!started) return { outcome: 'gone' };
      return { vars: { checkin_id: started.checkInId, child_name: started.childName, age_label: ageLabel(services, person.locale, months.parse(args.months)) } };
    },
  }),
  defineAction<CheckinsActionDeps>({
    name: 'checkins.nextItem',
    outcomes: ['ok', 'finished', 'gone'],
    args: actionArgs(['checkin_id']),
    async run({ checkins }, { person, args }) {
      const next = await checkins.checkIns.next(person.id, id.parse(args.checkin_id));
      if (next === 'gone') return { outcome: 'gone' };
      if (!next) return { outcome: 'finished' };
      const ask = inLanguage(next.item.ask, person.locale);
      const tryIt = inLanguage(next.item.try, person.locale);
      const voice = await checkins.voice.speak(person.locale, `${ask} ${tryIt}`);
      return { vars: { item_ask: ask, item_try: tryIt, item_number: next.number, item_count: next.count, item_voice: voice ?? null } };
    },
  }),
  defineAction<CheckinsActionDeps>({
    name: 'checkins.answer',
    outcomes: ['ok', 'gone'],
    args: actionArgs(['checkin_id', 'answer']),
    async run({ checkins }, { person, args }) {
      const saved = await checkins.checkIns.answer(person.id, id.parse(args.checkin_id), id.parse(args.answer));
      return saved === 'saved' ? {} : { outcome: 'gone' };
    },
  }),
  defineAction<CheckinsActionDeps>({
    name: 'checkins.resumeTomorrow',
    outcomes: ['ok'],
    args: actionArgs(['child_id', 'months']),
    async run({ checkins }, { person, args }) {
      await checkins.schedules.resumeTomorrow(person.id, person.timeZone, id.parse(args.child_id), months.parse(args.months));
      return {};
    },
  }),
  defineAction<CheckinsActionDeps>({
    name: 'checkins.finish',
    outcomes: ['ok', 'gone'],
    args: actionArgs(['checkin_id']),
    async run(services, { person, args }) {
      const checkInId = id.parse(args.checkin_id);
      const finished = await services.checkins.checkIns.finish(person.id, checkInId);
      if (!finished) return { outcome: 'gone' };
      const parents = await services.db.familyMember.findMany({ where: { familyId: finished.child.familyId, role: 'parent' }, select: { personId: true } });
      if (parents.length > 0) await services.events.publish({ name: CHECKIN_EVENTS.finished, personIds: parents.map((parent) => parent.personId), vars: { checkin_id: checkInId } });
      if (finished.result.concern) await raiseConcern(services, checkInId, finished);
      return { vars: { play_lines: playLines(services, person.locale, finished), concern: finished.result.concern } };
    },
  }),
  defineAction<CheckinsActionDeps>({
    name: 'checkins.parentSummary',
    outcomes: ['ok', 'gone'],
    args: actionArgs(['checkin_id']),
    async run(services, { person, args }) {
      const finished = await services.checkins.checkIns.forParent(person.id, id.parse(args.checkin_id));
      if (!finished) return { outcome: 'gone' };
      const yes = finished.items.filter((item) => finished.answers[item.id] === 'yes').length;
      return {
        vars: {
          child_name: finished.child.name,
          age_label: ageLabel(services, person.locale, finished.months),
          yes_count: yes,
          item_count: finished.items.length,
          play_lines: playLines(services, person.locale, finished),
        },
      };
    },
  }),
];

/** The instrument marks a concern: the child's teacher and cohort coordinators get an item with the next step. */
async function raiseConcern(services: CheckinsActionDeps, checkInId: string, finished: FinishedCheckIn): Promise<void> {
  const notYet = Object.values(finished.answers).filter((answer) => answer === 'not_yet').length;
  await services.attention.raise({
    kind: 'checkin_concern',
    familyId: finished.child.familyId,
    childId: finished.child.id,
    audience: 'coordinators_and_teachers',
    details: { child_name: finished.child.name, months: finished.months, not_yet: notYet, instrument: `${finished.instrument.id} ${finished.instrument.version}` },
    dedupeKey: `checkin:${checkInId}`,
  });
}
