import { actionArgs, defineAction } from '../../core/flow-action.js';
import type { FeatureServices } from '../feature-services.js';
import { lookupCityTimeZone } from './city-time-zones.js';
import { formatQuietHours, parseQuietHours } from '../../core/quiet-hours.js';

/** Language, home city, quiet hours and opting out: what a person decides about themselves. */
export const peopleActions = [
  defineAction<FeatureServices>({
    name: 'people.setLanguage',
    outcomes: ['ok', 'unsupported'],
    args: actionArgs(['locale']),
    async run({ db, supportedLocales }, { person, args }) {
      const locale = String(args.locale ?? '');
      if (!supportedLocales.includes(locale)) return { outcome: 'unsupported' };
      await db.person.update({ where: { id: person.id }, data: { locale } });
      return { person: { locale } };
    },
  }),
  defineAction<FeatureServices>({
    name: 'people.setCity',
    outcomes: ['ok', 'unknown'],
    args: actionArgs(['city']),
    async run({ db, reminders }, { person, args }) {
      const found = lookupCityTimeZone(String(args.city ?? ''));
      if (!found) return { outcome: 'unknown' };
      await db.person.update({ where: { id: person.id }, data: { city: found.city, timeZone: found.timeZone } });
      await reminders.retimeFor(person.id);
      return { vars: { city: found.city, time_zone: found.timeZone }, person: { timeZone: found.timeZone } };
    },
  }),
  defineAction<FeatureServices>({
    name: 'people.setQuietHours',
    outcomes: ['ok', 'none', 'invalid'],
    args: actionArgs(['hours']),
    async run({ db, reminders }, { person, args }) {
      const quiet = parseQuietHours(String(args.hours ?? ''));
      if (quiet === undefined) return { outcome: 'invalid' };
      await db.person.update({
        where: { id: person.id },
        data: { quietStartMinute: quiet?.startMinute ?? null, quietEndMinute: quiet?.endMinute ?? null },
      });
      await reminders.retimeFor(person.id);
      return quiet ? { vars: { quiet_hours: formatQuietHours(quiet) } } : { outcome: 'none' };
    },
  }),
  defineAction<FeatureServices>({
    name: 'people.optOut',
    outcomes: ['ok'],
    async run({ db, clock }, { person }) {
      const optedOutAt = clock.now();
      await db.person.update({ where: { id: person.id }, data: { optedOutAt } });
      return { person: { optedOutAt } };
    },
  }),
  defineAction<FeatureServices>({
    name: 'people.optIn',
    outcomes: ['ok', 'was_opted_out'],
    async run({ db }, { person }) {
      if (!person.optedOutAt) return {};
      await db.person.update({ where: { id: person.id }, data: { optedOutAt: null } });
      return { outcome: 'was_opted_out', person: { optedOutAt: null } };
    },
  }),
];
