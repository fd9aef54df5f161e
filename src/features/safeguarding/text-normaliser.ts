import * as OpenCC from 'opencc-js/t2cn';

/**
 * Brings a text and a listed phrase to one form so they can be compared character by character: full-width and other
 * compatibility forms become plain ones (NFKC), letters lower case, traditional Chinese characters simplified
 * (OpenCC), every run of spaces and punctuation one space; no space between two Chinese characters, since Chinese
 * has no word boundaries to keep ("想 自 殺。" and "想自杀" are the same), and always one between Chinese and a spaced
 * script ("杀kill" is "杀 kill"), where word boundaries count.
 */
const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });
const NOT_A_WORD_CHARACTER = /[^\p{L}\p{N}]+/gu;
const SPACE_BETWEEN_HAN = /(?<=\p{Script=Han}) (?=\p{Script=Han})/gu;
const HAN_NEXT_TO_WORD = /(?<=\p{Script=Han})(?=(?!\p{Script=Han})[\p{L}\p{N}])|(?<=(?<!\p{Script=Han})[\p{L}\p{N}])(?=\p{Script=Han})/gu;

export function normaliseText(text: string): string {
  const plain = toSimplified(text.normalize('NFKC').toLowerCase());
  return plain.replace(NOT_A_WORD_CHARACTER, ' ').replace(HAN_NEXT_TO_WORD, ' ').replace(SPACE_BETWEEN_HAN, '').trim();
}

/** Whether a normalised text starts or ends with a letter or digit of a spaced script, where a word boundary matters. */
export function startsWithWord(normalised: string): boolean {
  return /^[\p{L}\p{N}]/u.test(normalised) && !/^\p{Script=Han}/u.test(normalised);
}

export function endsWithWord(normalised: string): boolean {
  return /[\p{L}\p{N}]$/u.test(normalised) && !/\p{Script=Han}$/u.test(normalised);
}
