import path from 'node:path';
import { ContentError, formatProblem } from '../core/content-problems.js';

/**
 * Runs a content check for a linter command: prints its one-line summary and answers 0, or prints
 * `file:line: message` per problem (paths relative to here) and answers 1. Other errors are not content problems.
 */
export async function lintContent(check: () => Promise<string> | string): Promise<number> {
  try {
    console.log(await check());
    return 0;
  } catch (error) {
    if (!(error instanceof ContentError)) throw error;
    for (const problem of error.problems) console.log(formatProblem({ ...problem, file: path.relative(process.cwd(), problem.file) }));
    return 1;
  }
}
