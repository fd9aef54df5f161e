import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { lineOfPath, type ContentProblem, type Path } from '../core/content-problems.js';

/** A data file read against its schema, with a way to point at any of its lines for the author. */
export interface CheckedYaml<T> {
  readonly data?: T;
  readonly problems: readonly ContentProblem[];
  lineOf(at: Path): number;
}

export function readCheckedYaml<T>(file: string, schema: z.ZodType<T>): CheckedYaml<T> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter, uniqueKeys: true });
  const lineOf = (at: Path): number => lineOfPath(doc, lineCounter, at);
  if (doc.errors.length > 0) {
    return { lineOf, problems: doc.errors.map((error) => ({ file, line: error.linePos?.[0].line ?? 1, message: `this is not valid YAML: ${error.message.split('\n')[0]}` })) };
  }
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return { data: parsed.data, lineOf, problems: [] };
  return {
    lineOf,
    problems: parsed.error.issues.map((issue) => {
      const at = issue.path as Path;
      return { file, line: lineOf(at), message: at.length > 0 ? `${at.join('.')}: ${issue.message}` : issue.message };
    }),
  };
}
