import { actionArgs, defineAction, type ActionResult, type PersonView } from '../../core/flow-action.js';
import { parseQuietHours } from '../../core/quiet-hours.js';
import { spokenQuietHours, spokenTime } from '../../core/spoken-time.js';
import type { PeopleActionDeps } from './people-ports.js';
import { CityGazetteer, placeLabel, placeName, type Place } from './city-gazetteer.js';
import { PEOPLE_EVENTS } from './people-events.js';
import { settingsMenu } from './settings-menu.js';

/** The choice under "which one do you mean?" that says none of the offered places is hers. */
const NONE_OF_THESE = 'none';
let gazetteer: CityGazetteer | undefined;
/** Read once, on the first city anyone types. */
function places(): CityGazetteer {
  gazetteer ??= new CityGazetteer();
  return gazetteer;
}

/** Language, home city, quiet hours and opting out: what a person decides about themselves. */
export const peopleActions = [
  defineAction<PeopleActionDeps>({
    name: 'people.setLanguage',
    outcomes: ['ok', 'unsupported'],
    args: actionArgs(['locale']),
    async run({ db, supportedLocales, commandMenus }, { person, args }) {
      const locale = String(args.locale ?? '');
      if (!supportedLocales.includes(locale)) return { outcome: 'unsupported' };
      await db.person.update({ where: { id: person.id }, data: { locale } });
      await commandMenus.showFor(person.id, locale);
      return { person: { locale } };
    },
  }),
  defineAction<PeopleActionDeps>({
    name: 'people.setCity',
    outcomes: ['ok', 'pick', 'unknown'],
    args: actionArgs(['city']),
    async run(services, { person, args }) {
      const found = places().match(String(args.city ?? ''));
      if (found.kind === 'one') return livesIn(services, person, found.place);
      if (found.kind === 'none') return { outcome: 'unknown' };
      const none = { id: NONE_OF_THESE, label: services.translate(person.locale, 'onboarding:city_none') };
      return { outcome: 'pick', vars: { city_choices: [...found.places.map((place) => ({ id: place.id, label: placeLabel(place, person.locale) })), none] } };
    },
  }),
  defineAction<PeopleActionDeps>({
    name: 'people.pickCity',
    outcomes: ['ok', 'unknown'],
    args: actionArgs(['place']),
    async run(services, { person, args }) {
      const place = places().byIdOf(String(args.place ?? ''));
      return place ? livesIn(services, person, place) : { outcome: 'unknown' };
    },
  }),
  defineAction<PeopleActionDeps>({
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
      return quiet ? { vars: { quiet_hours: spokenQuietHours(quiet, person.locale) } } : { outcome: 'none' };
    },
  }),
  defineAction<PeopleActionDeps>({
    name: 'people.settingsMenu',
    outcomes: ['ok'],
    async run(services, { person }) {
      return { vars: await settingsMenu(services, places(), person) };
    },
  }),
  defineAction<PeopleActionDeps>({
    name: 'people.offerSettings',
    outcomes: ['ok'],
    async run({ events }, { person }) {
      await events.publish({ name: PEOPLE_EVENTS.settingsWanted, personIds: [person.id] });
      return {};
    },
  }),
  defineAction<PeopleActionDeps>({
    name: 'people.optOut',
    outcomes: ['ok'],
    async run({ db, clock }, { person }) {
      const optedOutAt = clock.now();
      await db.person.update({ where: { id: person.id }, data: { optedOutAt } });
      return { person: { optedOutAt } };
    },
  }),
  defineAction<PeopleActionDeps>({
    name: 'people.optIn',
    outcomes: ['ok', 'was_opted_out'],
    async run({ db }, { person }) {
      if (!person.optedOutAt) return {};
      await db.person.update({ where: { id: person.id }, data: { optedOutAt: null } });
      return { outcome: 'was_opted_out', person: { optedOutAt: null } };
    },
  }),
];

/** Keeps where a person lives and moves their reminders to its clock; says the place and its time now, never the zone. */
async function livesIn({ db, reminders, clock }: PeopleActionDeps, person: PersonView, place: Place): Promise<ActionResult> {
  await db.person.update({ where: { id: person.id }, data: { city: place.name, timeZone: place.timeZone } });
  await reminders.retimeFor(person.id);
  const localTime = spokenTime(clock.now(), place.timeZone, person.locale);
  return { vars: { city: placeName(place, person.locale), local_time: localTime }, person: { timeZone: place.timeZone } };
}
