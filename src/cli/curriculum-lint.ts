import path from 'node:path';
import { loadCurriculum } from '../features/activities/curriculum-loader.js';
import { defaultCurriculumDir } from '../features/activities/curriculum-dir.js';
import { lintContent } from './content-lint.js';

/**
 * `npm run curriculum:lint [directory]`: checks the play curriculum (plan, languages, texts, recordings); prints
 * `file:line: message` per problem and exits 1 on any.
 */
process.exitCode = await lintContent(() => {
  const curriculum = loadCurriculum(path.resolve(process.argv[2] ?? defaultCurriculumDir));
  return `${curriculum.activityIds().length} activities in ${curriculum.languages.size} language(s) OK`;
});
