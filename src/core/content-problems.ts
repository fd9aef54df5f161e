import { isMap, isSeq, type Document, type LineCounter } from 'yaml';

/**
 * What is wrong with a content file (a flow, a curriculum week), located for a content author: the same
 * `file:line: message` for flows and curriculum alike.
 */
export interface ContentProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** Every problem of a set of content files, thrown together so an author sees all of them at once. */
export class ContentError extends Error {
  override readonly name = 'ContentError';
  constructor(readonly problems: readonly ContentProblem[]) {
    super(`Content has ${problems.length} problem(s):\n${problems.map(formatProblem).join('\n')}`);
  }
}

export function formatProblem(problem: ContentProblem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`;
}

export type Path = readonly (string | number)[];

/** The line of the deepest YAML node the path still reaches (a missing key points at its parent). */
export function lineOfPath(doc: Document, lineCounter: LineCounter, at: Path): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents as { range?: [number] } | null)?.range?.[0] ?? 0;
  for (const key of at) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      offset = (pair.key as { range?: [number] }).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number' && node.items[key]) {
      node = node.items[key];
      offset = (node as { range?: [number] }).range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return lineCounter.linePos(offset).line;
}

