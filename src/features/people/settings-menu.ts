import type { PersonView } from '../../core/flow-action.js';
import { quietHoursFrom } from '../../core/quiet-hours.js';
import type { MainRole } from '../../core/role-commands.js';
import { spokenQuietHours } from '../../core/spoken-time.js';
import type { PeopleActionDeps } from './people-ports.js';
import { placeName, type CityGazetteer } from './city-gazetteer.js';

/** What /settings can change; a choice's id is the setting, routed by flows/settings.yaml. */
const COMMON_SETTINGS = ['language', 'city', 'quiet'] as const;
/** Reminders only some roles have, re-timed by their own flows (play-plan, call-plan). */
const ROLE_SETTINGS: Readonly<Partial<Record<MainRole, string>>> = { caregiver: 'play', parent: 'calls' };
const FINISHED = 'done';

/** The person's settings as they read them, and the menu of what they may change, in their language. */
export async function settingsMenu({ db, families, translate }: PeopleActionDeps, places: CityGazetteer, person: PersonView): Promise<Record<string, unknown>> {
  const stored = await db.person.findUniqueOrThrow({ where: { id: person.id }, select: { city: true, quietStartMinute: true, quietEndMinute: true } });
  const t = (key: string, vars?: Record<string, unknown>): string => translate(person.locale, key, vars);
  const quiet = quietHoursFrom(stored.quietStartMinute, stored.quietEndMinute);
  const summary = t('settings:summary', {
    language: t(`common:language.${person.locale}`),
    city: stored.city ? cityAsSaid(places, stored.city, person.locale) : t('settings:not_set'),
    quiet_hours: quiet ? spokenQuietHours(quiet, person.locale) : t('settings:no_quiet_hours'),
  });
  const roleSetting = ROLE_SETTINGS[await families.mainRoleOf(person.id)];
  const ids = [...COMMON_SETTINGS, ...(roleSetting ? [roleSetting] : []), FINISHED];
  return { settings_summary: summary, setting_choices: ids.map((id) => ({ id, label: t(`settings:choice.${id}`) })) };
}

/** A stored city (its English name) as the reader says it: 河池 for a Chinese reader. */
function cityAsSaid(places: CityGazetteer, city: string, locale: string): string {
  const found = places.match(city);
  return found.kind === 'one' ? placeName(found.place, locale) : city;
}
