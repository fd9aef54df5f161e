import type { Path } from '../core/content-problems.js';
import { fillTemplate } from './templates.js';

/**
 * Conditions of `branch` steps: a test of one variable, or `all`/`any`/`not` over other conditions. Checked by hand
 * rather than by a recursive zod union, whose only word for a wrong condition is "Invalid input": a content author
 * needs to hear which part is wrong and how.
 */

const comparisons = ['equals', 'in', 'present', 'gt', 'lt', 'gte', 'lte'] as const;
type Comparison = (typeof comparisons)[number];

export interface ConditionTest {
  readonly var: string;
  readonly equals?: string | number | boolean;
  readonly in?: readonly (string | number)[];
  readonly present?: boolean;
  readonly gt?: number;
  readonly lt?: number;
  readonly gte?: number;
  readonly lte?: number;
}

export type Condition = ConditionTest | { readonly all: readonly Condition[] } | { readonly any: readonly Condition[] } | { readonly not: Condition };

export interface ConditionProblem {
  readonly at: Path;
  readonly message: string;
}

const combinators = ['all', 'any', 'not'] as const;
const VAR_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const EXAMPLE = 'e.g. { var: answer, equals: later }';

/** What is wrong with a condition as written in a flow file; empty when it is a condition. */
export function conditionProblems(raw: unknown, at: Path = []): ConditionProblem[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return [{ at, message: `a condition is a test of a variable (${EXAMPLE}) or all/any/not over tests` }];
  }
  const keys = Object.keys(raw);
  const combinator = combinators.find((name) => name in raw);
  if (combinator) {
    if (keys.length > 1) return [{ at, message: `condition \`${combinator}\` stands alone: put ${keys.filter((key) => key !== combinator).join(', ')} in a test inside it` }];
    return combinatorProblems(combinator, (raw as Record<string, unknown>)[combinator], [...at, combinator]);
  }
  return testProblems(raw as Record<string, unknown>, at);
}

function combinatorProblems(name: (typeof combinators)[number], inner: unknown, at: Path): ConditionProblem[] {
  if (name === 'not') {
    if (Array.isArray(inner) || typeof inner !== 'object' || inner === null) return [{ at, message: `condition \`not\` needs one test (${EXAMPLE}), not a list or a value` }];
    return conditionProblems(inner, at);
  }
  if (!Array.isArray(inner) || inner.length === 0) return [{ at, message: `condition \`${name}\` needs a list of at least one test` }];
  return inner.flatMap((condition, index) => conditionProblems(condition, [...at, index]));
}

function testProblems(test: Record<string, unknown>, at: Path): ConditionProblem[] {
  const unknown = Object.keys(test).filter((key) => key !== 'var' && !(comparisons as readonly string[]).includes(key));
  if (unknown.length > 0) {
    return [{ at, message: `condition has unknown key(s) ${unknown.map((key) => `"${key}"`).join(', ')} (a test has var and one of ${comparisons.join(', ')}; or use all, any, not)` }];
  }
  if (typeof test.var !== 'string' || !VAR_NAME.test(test.var)) return [{ at, message: `a condition test needs \`var\`: the name of the variable it looks at (${EXAMPLE})` }];
  const given = comparisons.filter((name) => test[name] !== undefined);
  if (given.length !== 1) {
    const has = given.length === 0 ? 'none' : given.join(' and ');
    return [{ at, message: `a condition test compares \`${test.var}\` in exactly one way (${comparisons.join(', ')}), this one has ${has}: use all: [...] to combine tests` }];
  }
  const comparison = given[0]!;
  const problem = valueProblem(comparison, test[comparison]);
  return problem ? [{ at: [...at, comparison], message: problem }] : [];
}

function valueProblem(comparison: Comparison, value: unknown): string | undefined {
  const scalar = (item: unknown): boolean => typeof item === 'string' || typeof item === 'number';
  if (comparison === 'equals') return scalar(value) || typeof value === 'boolean' ? undefined : 'condition `equals` compares with a text, a number or true/false';
  if (comparison === 'in') return Array.isArray(value) && value.length > 0 && value.every(scalar) ? undefined : 'condition `in` needs a list of texts or numbers';
  if (comparison === 'present') return typeof value === 'boolean' ? undefined : 'condition `present` is true or false';
  return typeof value === 'number' ? undefined : `condition \`${comparison}\` compares with a number, not ${JSON.stringify(value)}`;
}

/** Whether a (checked) condition holds for these variables. */
export function holds(condition: Condition, vars: Readonly<Record<string, unknown>>): boolean {
  if ('all' in condition) return condition.all.every((inner) => holds(inner, vars));
  if ('any' in condition) return condition.any.some((inner) => holds(inner, vars));
  if ('not' in condition) return !holds(condition.not, vars);
  return testHolds(condition, vars);
}

function testHolds(test: ConditionTest, vars: Readonly<Record<string, unknown>>): boolean {
  const value = fillTemplate(`{{${test.var}}}`, vars);
  if (test.present !== undefined) return (value !== null && value !== '') === test.present;
  if (test.equals !== undefined) return value === test.equals;
  if (test.in !== undefined) return test.in.includes(value as string | number);
  if (typeof value !== 'number') return false;
  if (test.gt !== undefined) return value > test.gt;
  if (test.lt !== undefined) return value < test.lt;
  if (test.gte !== undefined) return value >= test.gte;
  return value <= test.lte!;
}
