import type { Logger } from 'pino';
import type { EventPublisher } from '../../core/events.js';
import type { PersonView } from '../../core/flow-action.js';
import type { InboundListener, ListenerVerdict, SenderRoles } from '../../core/inbound-listener.js';
import type { InboundMessage } from '../../core/messages.js';
import type { OutboxWriter } from '../../core/outbox-writer.js';
import type { Database } from '../../storage/prisma.js';
import type { HelpDirectory } from './help-directory.js';
import { wordsOf } from './inbound-text.js';
import type { PendingOffers } from './pending-offers.js';
import type { PhraseLists } from './phrase-lists.js';
import { PhraseMatcher, type PhraseMatch } from './phrase-matcher.js';
import type { RecentWords } from './recent-words.js';
import type { AttentionRaiser } from '../../core/attention.js';
import { SAFEGUARDING_EVENTS } from './safeguarding-events.js';
import { familiesToScreen, type ScreenedFamily } from './screened-people.js';
import { normaliseText } from './text-normaliser.js';

export interface SafeguardingScreenDependencies {
  readonly db: Database;
  readonly lists: PhraseLists;
  readonly help: HelpDirectory;
  readonly recent: RecentWords;
  readonly offers: PendingOffers;
  readonly attention: AttentionRaiser;
  readonly outbox: OutboxWriter;
  readonly events: EventPublisher;
  readonly translate: (locale: string, key: string, vars?: Record<string, unknown>) => string;
  readonly logger: Logger;
}

/** An excerpt longer than this is cut: the coordinator reads the rest with the person, not in a list. */
const MAX_EXCERPT_CHARACTERS = 500;

/**
 * Reads every text and caption a family member sends. Words of a serious category (self-harm, abuse, violence,
 * serious injury, a missing child) get a calm answer with the help numbers of the person's country at once, and an
 * urgent needs-attention item for their families' coordinators; words of a milder category (neglect, distress) get
 * the question whether they want someone to contact them, and the item only on yes.
 */
export class SafeguardingScreen implements InboundListener {
  readonly name = 'safeguarding';
  private readonly matcher: PhraseMatcher;

  constructor(private readonly deps: SafeguardingScreenDependencies) {
    this.matcher = new PhraseMatcher(deps.lists.listed());
  }

  /** Family members at home and abroad; staff are not screened (a coordinator's broadcast about safety is no alarm). */
  hears(roles: SenderRoles): boolean {
    return roles.some((role) => role === 'parent' || role === 'caregiver') && !roles.includes('coordinator');
  }

  async heard(person: PersonView, message: InboundMessage): Promise<ListenerVerdict> {
    const words = wordsOf(message.content);
    if (!words) return 'passed';
    const { matches, excerpt } = await this.newMatches(person.id, words);
    if (matches.length === 0) return 'passed';
    // Asked only when words were heard: whose coordinators hear of it (the roles heard with the update said "a member").
    const families = await familiesToScreen(this.deps.db, person.id);
    if (families.length === 0) return 'passed';
    const serious = matches.find((match) => this.deps.lists.severityOf(match.category) === 'serious');
    if (serious) await this.actOnSerious(person, message, families, serious, excerpt);
    else if (matches[0]) await this.offerContact(person, matches[0], excerpt);
    else return 'passed';
    // Help numbers or the question whether someone should call are the answer: not "shall I pass this on?" as well.
    return 'answered';
  }

  /** Phrases in this message, or begun at the end of the one before and finished in this one. */
  private async newMatches(personId: string, words: string): Promise<{ matches: PhraseMatch[]; excerpt: string }> {
    const current = normaliseText(words);
    const previous = await this.deps.recent.swap(personId, current.slice(-Math.max(1, this.matcher.longestKey - 1)).trim());
    const alreadyHeard = new Set(this.matcher.find(previous).map((match) => match.phrase));
    const matches = this.matcher.find(previous ? normaliseText(`${previous} ${current}`) : current).filter((match) => !alreadyHeard.has(match.phrase));
    const split = previous !== '' && matches.length > 0 && this.matcher.find(current).length === 0;
    const excerpt = (split ? `… ${previous} / ${words}` : words).slice(0, MAX_EXCERPT_CHARACTERS);
    return { matches, excerpt };
  }

  private async actOnSerious(person: PersonView, message: InboundMessage, families: readonly ScreenedFamily[], match: PhraseMatch, excerpt: string): Promise<void> {
    const { outbox, translate, help } = this.deps;
    const contacts = help
      .contactsFor(person.timeZone)
      .map((contact) => translate(person.locale, 'safeguarding:contact_line', { number: contact.number, name: contact.name[person.locale] ?? contact.name.en ?? Object.values(contact.name)[0] }))
      .join('\n');
    const text = translate(person.locale, 'safeguarding:serious_reply', { person_name: person.displayName, contacts });
    await outbox.enqueue({ address: { channel: message.channel, chatId: message.chatId }, personId: person.id, messages: [{ text }] });
    await this.raise(person, families, match.category, excerpt, true);
    this.deps.logger.warn({ personId: person.id, category: match.category }, 'safeguarding: serious words heard, coordinators alerted');
  }

  private async offerContact(person: PersonView, match: PhraseMatch, excerpt: string): Promise<void> {
    await this.deps.offers.hold(person.id, { category: match.category, excerpt });
    await this.deps.events.publish({ name: SAFEGUARDING_EVENTS.offerContact, personIds: [person.id], vars: { category: match.category } });
  }

  /** One item per family the person belongs to: each family's own coordinators follow it up. */
  async raise(person: { id: string; displayName: string }, families: readonly ScreenedFamily[], category: string, excerpt: string | undefined, urgent: boolean): Promise<void> {
    for (const family of families) {
      await this.deps.attention.raise({
        kind: 'safeguarding',
        familyId: family.familyId,
        ...(family.childId ? { childId: family.childId } : {}),
        subjectPersonId: person.id,
        urgent,
        details: { person_name: person.displayName, category },
        ...(excerpt ? { excerpt } : {}),
        // One open item per person, family and kind of worry: more words of the same kind join it, not the list.
        dedupeKey: `safeguarding:${family.familyId}:${person.id}:${category}`,
      });
    }
  }
}
