import path from 'node:path';
import { ContentError } from '../../src/core/content-problems.js';

/** What a content load reports, as an author reads it (`file.yaml:line: message`, file names without folders); [] when it loads. */
export async function contentProblems(load: () => Promise<unknown>): Promise<string[]> {
  try {
    await load();
    return [];
  } catch (error) {
    if (!(error instanceof ContentError)) throw error;
    return error.problems.map((problem) => `${path.basename(problem.file)}:${problem.line}: ${problem.message}`);
  }
}
