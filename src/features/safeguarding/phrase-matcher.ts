import AhoCorasick from 'modern-ahocorasick';
import { endsWithWord, normaliseText, startsWithWord } from './text-normaliser.js';

/** One listed phrase of one category, as an author wrote it. */
export interface ListedPhrase {
  readonly category: string;
  readonly phrase: string;
}

export interface PhraseMatch extends ListedPhrase {
  /** Where the match ends in the searched text, past the space the matcher puts in front. */
  readonly end: number;
}

/**
 * Finds every listed phrase in a text at once (Aho–Corasick over normalised forms). Phrases of spaced scripts
 * ("hit me") match only as whole words — " hit me " — so "white meat" does not match; Chinese phrases match
 * anywhere, as Chinese writes no spaces.
 */
export class PhraseMatcher {
  private readonly automaton: AhoCorasick;
  private readonly phrases: readonly ListedPhrase[];

  constructor(phrases: readonly ListedPhrase[]) {
    this.phrases = phrases;
    this.automaton = new AhoCorasick(phrases.map((listed) => searchKey(listed.phrase)));
  }

  /** The longest key, in characters: how much of a message must be remembered to catch a phrase split in two. */
  get longestKey(): number {
    return Math.max(0, ...this.phrases.map((listed) => searchKey(listed.phrase).length));
  }

  /** Matches in an already normalised text; `searchable` pads it so whole-word keys match at its edges. */
  find(normalised: string): PhraseMatch[] {
    return this.automaton.search(searchable(normalised)).map((hit) => ({ ...this.phrases[hit.patternIndex]!, end: hit.end }));
  }
}

/** The padded form a normalised text is searched in; offsets of `find` count from its start. */
export function searchable(normalised: string): string {
  return ` ${normalised} `;
}

function searchKey(phrase: string): string {
  const normalised = normaliseText(phrase);
  return `${startsWithWord(normalised) ? ' ' : ''}${normalised}${endsWithWord(normalised) ? ' ' : ''}`;
}
