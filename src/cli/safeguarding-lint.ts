import path from 'node:path';
import type { ContentProblem } from '../core/content-problems.js';
import { ContentError } from '../core/content-problems.js';
import { loadHelpDirectory } from '../features/safeguarding/help-directory.js';
import { loadPhraseLists } from '../features/safeguarding/phrase-lists.js';
import { defaultSafeguardingDir } from '../features/safeguarding/safeguarding-dir.js';
import { lintContent } from './content-lint.js';

/**
 * `npm run safeguarding:lint [directory]`: checks the phrase lists (safeguarding/phrases/) and the help directory
 * (safeguarding/help-contacts.yaml); prints `file:line: message` per problem and exits 1 on any.
 */
process.exitCode = await lintContent(() => {
  const directory = path.resolve(process.argv[2] ?? defaultSafeguardingDir);
  const problems: ContentProblem[] = [];
  const lists = collecting(problems, () => loadPhraseLists(path.join(directory, 'phrases')));
  collecting(problems, () => loadHelpDirectory(path.join(directory, 'help-contacts.yaml')));
  if (problems.length > 0 || !lists) throw new ContentError(problems);
  return `${lists.categories.length} safeguarding categories with ${lists.listed().length} phrases, and the help directory, OK`;
});

/** Runs one check, keeping its problems so both files are reported in one go. */
function collecting<T>(problems: ContentProblem[], check: () => T): T | undefined {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ContentError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}
