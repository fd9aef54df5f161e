import path from 'node:path';
import { ContentError, formatProblem } from '../core/content-problems.js';
import { loadCurriculum } from '../features/activities/curriculum-loader.js';
import { defaultCurriculumDir } from '../features/activities/curriculum-dir.js';

/**
 * `npm run curriculum:lint [directory]`: checks the play curriculum (plan, languages, texts, recordings); prints
 * `file:line: message` per problem and exits 1 on any.
 */
function main(directory: string): number {
  try {
    const curriculum = loadCurriculum(directory);
    console.log(`${curriculum.activityIds().length} activities in ${curriculum.languages.size} language(s) OK`);
    return 0;
  } catch (error) {
    if (!(error instanceof ContentError)) throw error;
    for (const problem of error.problems) console.log(formatProblem({ ...problem, file: path.relative(process.cwd(), problem.file) }));
    return 1;
  }
}

process.exitCode = main(path.resolve(process.argv[2] ?? defaultCurriculumDir));
