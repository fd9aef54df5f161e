import { readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ContentError, type ContentProblem } from '../../core/content-problems.js';
import type { ListedPhrase } from './phrase-matcher.js';
import { normaliseText } from './text-normaliser.js';
import { readCheckedYaml } from '../checked-yaml.js';

/**
 * The phrase lists under safeguarding/phrases/, one file per category. A serious category gets an immediate answer
 * with help numbers and an urgent alert; a mild one asks the person first whether they want to be contacted.
 */
export const SEVERITIES = ['serious', 'mild'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Shorter than this (after normalising), a phrase matches inside too many harmless words. */
const MIN_CHINESE_CHARACTERS = 2;
const MIN_OTHER_CHARACTERS = 3;

const phraseFileSchema = z.strictObject({
  category: z.string().regex(/^[a-z][a-z_]*$/, 'a category is written in lower_snake_case, like self_harm'),
  severity: z.enum(SEVERITIES, { message: `severity must be one of: ${SEVERITIES.join(', ')}` }),
  description: z.string().trim().min(1, 'say in a sentence what this category is about'),
  phrases: z.record(
    z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/, 'phrases are grouped by language tag, like zh-CN or en'),
    z.array(z.string({ message: 'each phrase is a piece of text' })).min(1, 'list at least one phrase, or leave the language out'),
  ),
});

export interface PhraseCategory {
  readonly category: string;
  readonly severity: Severity;
  readonly file: string;
  /** Every phrase, in every language: a grandmother may write English, a father Chinese. */
  readonly phrases: readonly string[];
}

export class PhraseLists {
  constructor(readonly categories: readonly PhraseCategory[]) {}

  severityOf(category: string): Severity | undefined {
    return this.categories.find((entry) => entry.category === category)?.severity;
  }

  listed(): ListedPhrase[] {
    return this.categories.flatMap(({ category, phrases }) => phrases.map((phrase) => ({ category, phrase })));
  }
}

/** Reads and checks every list; all problems at once, each saying in words what is wrong and where. */
export function loadPhraseLists(directory: string, requiredLanguages: readonly string[] = ['zh-CN', 'en']): PhraseLists {
  const problems: ContentProblem[] = [];
  const categories: PhraseCategory[] = [];
  const firstSeen = new Map<string, { category: string; phrase: string; file: string }>();
  const files = readdirSync(directory).filter((name) => /\.ya?ml$/.test(name)).sort();
  if (files.length === 0) problems.push({ file: directory, line: 1, message: 'there are no phrase lists here: add one YAML file per category' });
  for (const name of files) {
    const file = path.join(directory, name);
    const read = readCheckedYaml(file, phraseFileSchema);
    problems.push(...read.problems);
    if (!read.data) continue;
    const { category, severity, phrases } = read.data;
    if (name.replace(/\.ya?ml$/, '') !== category) problems.push({ file, line: read.lineOf(['category']), message: `the file is named "${name}" but its category is "${category}": name the file ${category}.yaml` });
    for (const language of requiredLanguages) {
      if (!phrases[language]) problems.push({ file, line: read.lineOf(['phrases']), message: `there are no ${language} phrases: every category needs phrases in ${requiredLanguages.join(' and ')}` });
    }
    for (const [language, list] of Object.entries(phrases)) {
      list.forEach((phrase, index) => {
        const line = read.lineOf(['phrases', language, index]);
        const problem = phraseProblem(phrase);
        if (problem) {
          problems.push({ file, line, message: problem });
          return;
        }
        const normalised = normaliseText(phrase);
        const earlier = firstSeen.get(normalised);
        if (earlier) {
          problems.push({ file, line, message: duplicateMessage(phrase, earlier, category) });
          return;
        }
        firstSeen.set(normalised, { category, phrase, file: name });
      });
    }
    categories.push({ category, severity, file, phrases: Object.values(phrases).flat() });
  }
  if (problems.length > 0) throw new ContentError(problems);
  return new PhraseLists(categories);
}

function phraseProblem(phrase: string): string | undefined {
  const normalised = normaliseText(phrase);
  if (normalised.length === 0) return `"${phrase}" has no letters or characters left once spaces and punctuation are ignored`;
  const chinese = /\p{Script=Han}/u.test(normalised);
  const minimum = chinese ? MIN_CHINESE_CHARACTERS : MIN_OTHER_CHARACTERS;
  if (normalised.replace(/ /g, '').length < minimum) {
    return `"${phrase}" is too short to match safely (at least ${minimum} ${chinese ? 'Chinese characters' : 'letters'}): it would match inside harmless words`;
  }
  return undefined;
}

function duplicateMessage(phrase: string, earlier: { category: string; phrase: string; file: string }, category: string): string {
  const same = earlier.phrase === phrase ? 'is listed twice' : `is the same as "${earlier.phrase}" once traditional characters, full-width forms, case and spacing are ignored, so listing it again adds nothing`;
  const where = earlier.category === category ? '' : ` (first in ${earlier.file}: a phrase can belong to one category only)`;
  return `"${phrase}" ${same}${where}`;
}
