import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Clock } from '../../core/clock.js';
import { loadHelpDirectory } from './help-directory.js';
import { PendingOffers } from './pending-offers.js';
import { loadPhraseLists } from './phrase-lists.js';
import { RecentWords } from './recent-words.js';
import { SafeguardingScreen, type SafeguardingScreenDependencies } from './safeguarding-screen.js';
import { familiesToScreen } from './screened-people.js';
import { SilentFamilies } from './silent-families.js';

/** What the safeguarding feature's actions and the composition root use. */
export interface SafeguardingServices {
  /** Hears every inbound message of a family member (an `InboundListener`). */
  readonly screen: SafeguardingScreen;
  /** The person said yes to "Do you want someone to contact you?": their coordinators get an item. */
  requestContact(person: { id: string; displayName: string }, category: string): Promise<'requested' | 'not_in_a_family'>;
  /** Families nobody has been heard from for weeks (run by a recurring job). */
  readonly silentFamilies: SilentFamilies;
  /** `/forget`: the person's words held in Redis (the end of their last message, an open offer) go now. */
  forgetPerson(personId: string): Promise<void>;
}

export interface SafeguardingSettings {
  /** Holds safeguarding/phrases/ and safeguarding/help-contacts.yaml. */
  readonly directory: string;
  /** How long the end of a message waits for the next one to complete a split phrase (default 10 minutes). */
  readonly splitWindowSeconds?: number;
  /** How long a "Do you want someone to contact you?" stays open (default 2 days). */
  readonly offerOpenSeconds?: number;
  /** Weeks without a word or a logged call before a family is on the needs-attention list (default 3). */
  readonly silentFamilyWeeks?: number;
}

type Wiring = Omit<SafeguardingScreenDependencies, 'lists' | 'help' | 'recent' | 'offers'> & { readonly redis: Redis; readonly keyPrefix: string; readonly clock: Clock };

export function createSafeguardingServices(wiring: Wiring, settings: SafeguardingSettings): SafeguardingServices {
  const { redis, keyPrefix, clock, ...deps } = wiring;
  const offers = new PendingOffers(redis, keyPrefix, settings.offerOpenSeconds ?? 2 * 86_400);
  const recent = new RecentWords(redis, keyPrefix, settings.splitWindowSeconds ?? 600);
  const screen = new SafeguardingScreen({
    ...deps,
    lists: loadPhraseLists(path.join(settings.directory, 'phrases')),
    help: loadHelpDirectory(path.join(settings.directory, 'help-contacts.yaml')),
    recent,
    offers,
  });
  return {
    screen,
    silentFamilies: new SilentFamilies(deps.db, clock, deps.attention, settings.silentFamilyWeeks ?? 3),
    async requestContact(person, category) {
      const families = await familiesToScreen(deps.db, person.id);
      if (families.length === 0) return 'not_in_a_family';
      const offer = await offers.take(person.id);
      await screen.raise(person, families, offer?.category ?? category, offer?.excerpt, false);
      return 'requested';
    },
    async forgetPerson(personId) {
      await Promise.all([recent.forget(personId), offers.forget(personId)]);
    },
  };
}
