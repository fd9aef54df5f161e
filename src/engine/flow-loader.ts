import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ContentError, lineOfPath, type ContentProblem, type Path } from '../core/content-problems.js';
import type { z } from 'zod';
import type { ChoiceReading, FeatureContract } from '../core/feature-contract.js';
import type { FlowAction } from '../core/flow-action.js';
import { flowSchema, stepKinds, type Flow, type FlowData, type Step } from './flow-definition.js';

/** What the loader checks a flow against besides its own shape. */
export interface FlowContext {
  /** Locales every text key must exist in. */
  hasText(key: string): string[];
  /** The action's outcomes and arguments, or undefined when no such action exists. */
  action(name: string): Pick<FlowAction<never>, 'outcomes' | 'args'> | undefined;
  /** What the features promise and expect: flows they start, events they emit, choices they read. */
  readonly contracts: readonly FeatureContract[];
}

/** Parses and validates one file; returns the flow or the problems, never throws for bad content. */
export function parseFlow(file: string, source: string, context: FlowContext): { flow?: Flow; problems: ContentProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const lineOf = (at: Path): number => lineOfPath(doc, lineCounter, at);
  const problem = (at: Path, message: string): ContentProblem => ({ file, line: lineOf(at), message });

  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((error) => ({
        file,
        line: error.linePos?.[0].line ?? 1,
        message: `YAML: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    };
  }
  const raw: unknown = doc.toJS();
  const parsed = flowSchema.safeParse(raw);
  if (!parsed.success) {
    return { problems: parsed.error.issues.flatMap((issue) => explainIssue(raw, issue)).map(({ at, message }) => problem(at, message)) };
  }
  const problems = checkReferences(parsed.data, file, context, problem);
  if (problems.length > 0) return { problems };
  const stepIndex = new Map(parsed.data.steps.map((step, index) => [step.id, index]));
  const version = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const lines = { triggers: parsed.data.triggers.map((_, index) => lineOf(['triggers', index])), steps: parsed.data.steps.map((_, index) => lineOf(['steps', index])) };
  return { flow: { ...parsed.data, version, file, stepIndex, lines }, problems: [] };
}

function describeIssue(at: Path, message: string): string {
  return at.length > 0 ? `${at.join('.')}: ${message}` : message;
}

/**
 * Zod says only "Invalid input" when a step matches none of the step kinds; a content author needs to hear which
 * kind it looks like and what is wrong with it, or that no kind has that name.
 */
function explainIssue(raw: unknown, issue: z.core.$ZodIssue): { at: Path; message: string }[] {
  const at = issue.path as Path;
  const isStep = issue.code === 'invalid_union' && at.length === 2 && at[0] === 'steps' && typeof at[1] === 'number';
  if (!isStep) return [{ at, message: describeIssue(at, issue.message) }];
  const step = ((raw as { steps?: unknown[] }).steps?.[at[1] as number] ?? {}) as Record<string, unknown>;
  const kinds = Object.keys(stepKinds).filter((kind) => kind in step);
  const where = `step ${typeof step.id === 'string' ? `"${step.id}"` : (at[1] as number) + 1}`;
  if (kinds.length === 0) {
    const unknown = Object.keys(step).filter((key) => key !== 'id' && key !== 'next');
    const named = unknown.length > 0 ? `unknown step type ${unknown.map((key) => `"${key}"`).join(', ')}` : 'no step type';
    return [{ at, message: `${where}: ${named} (expected one of ${Object.keys(stepKinds).join(', ')})` }];
  }
  if (kinds.length > 1) return [{ at, message: `${where}: a step does one thing, but this one has ${kinds.join(' and ')}` }];
  const checked = stepKinds[kinds[0] as keyof typeof stepKinds].safeParse(step);
  if (checked.success) return [{ at, message: describeIssue(at, issue.message) }];
  return checked.error.issues.map((inner) => {
    const innerAt = [...at, ...(inner.path as Path)];
    return { at: innerAt, message: `${where}: ${describeIssue(inner.path as Path, inner.message)}` };
  });
}

/** Targets, texts, actions and media a flow names must all exist. */
function checkReferences(
  flow: FlowData,
  file: string,
  context: FlowContext,
  problem: (at: Path, message: string) => ContentProblem,
): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const ids = new Set<string>();
  flow.steps.forEach((step, index) => {
    if (ids.has(step.id)) problems.push(problem(['steps', index, 'id'], `duplicate step id "${step.id}"`));
    ids.add(step.id);
  });
  const target = (at: Path, id: string | undefined): void => {
    if (id !== undefined && !ids.has(id)) problems.push(problem(at, `goto "${id}": no step with that id in this flow`));
  };
  const text = (at: Path, key: string | undefined): void => {
    if (key === undefined) return;
    const missingIn = context.hasText(key);
    if (missingIn.length > 0) problems.push(problem(at, `text "${key}" is missing in locale(s) ${missingIn.join(', ')}`));
  };
  const media = (at: Path, relative: string | undefined): void => {
    if (relative !== undefined && !existsSync(path.resolve(path.dirname(file), relative))) {
      problems.push(problem(at, `media file "${relative}" does not exist`));
    }
  };

  flow.triggers.forEach((trigger, index) => {
    if ('keyword' in trigger) text(['triggers', index, 'keyword'], trigger.keyword);
  });
  flow.steps.forEach((step, index) => {
    const at = (...rest: (string | number)[]): Path => ['steps', index, ...rest];
    if ('next' in step) target(at('next'), step.next);
    for (const check of stepChecks(step)) {
      if (check.kind === 'target') target(at(...check.at), check.value);
      if (check.kind === 'text') text(at(...check.at), check.value);
      if (check.kind === 'media') media(at(...check.at), check.value);
    }
    if ('action' in step) {
      const action = context.action(step.action);
      const outcomes = action?.outcomes;
      if (!action) problems.push(problem(at('action'), `unknown action "${step.action}"`));
      else problems.push(...argumentProblems(step.action, action.args, step.args ?? {}).map(({ arg, message }) => problem(arg ? at('args', arg) : at('action'), message)));
      for (const [outcome, goto] of Object.entries(step.routes ?? {})) {
        if (outcomes && !outcomes.includes(outcome)) {
          problems.push(problem(at('routes', outcome), `action "${step.action}" never returns "${outcome}" (it returns ${outcomes.join(', ')})`));
        }
        target(at('routes', outcome), goto);
      }
    }
  });
  return problems;
}

/**
 * What a flow gives an action against what it takes: every argument it needs, none it does not know, and literal
 * values (not `{{variables}}`, which are only known when the step runs) that fit.
 */
function argumentProblems(name: string, schema: z.ZodObject | undefined, given: Record<string, unknown>): { arg?: string; message: string }[] {
  const shape = schema?.shape ?? {};
  const takes = Object.keys(shape);
  const listed = takes.length > 0 ? `it takes ${takes.join(', ')}` : 'it takes none';
  const problems: { arg?: string; message: string }[] = [];
  for (const [arg, value] of Object.entries(given)) {
    const field = shape[arg] as z.ZodType | undefined;
    if (!field) problems.push({ arg, message: `action "${name}" has no argument "${arg}" (${listed})` });
    else if (!isTemplate(value)) {
      const checked = field.safeParse(value);
      if (!checked.success) problems.push({ arg, message: `argument "${arg}" of "${name}": ${checked.error.issues[0]!.message}` });
    }
  }
  for (const arg of takes) {
    if (!(arg in given) && !(shape[arg] as z.ZodType).safeParse(undefined).success) problems.push({ message: `action "${name}" needs the argument "${arg}"` });
  }
  return problems;
}

function isTemplate(value: unknown): boolean {
  return typeof value === 'string' && /\{\{\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\}\}/.test(value);
}

type Check = { kind: 'target' | 'text' | 'media'; at: (string | number)[]; value: string | undefined };

function stepChecks(step: Step): Check[] {
  if ('send' in step) {
    return [
      { kind: 'text', at: ['send', 'text'], value: step.send.text },
      ...(step.send.choices ?? []).map((choice, i): Check => ({ kind: 'text', at: ['send', 'choices', i, 'text'], value: choice.text })),
      { kind: 'media', at: ['send', 'photo'], value: step.send.photo },
      { kind: 'media', at: ['send', 'voice'], value: step.send.voice },
    ];
  }
  if ('ask' in step) {
    return [
      { kind: 'text', at: ['ask', 'text'], value: step.ask.text },
      { kind: 'text', at: ['ask', 'retry'], value: step.ask.retry },
      ...(step.ask.choices ?? []).map((choice, i): Check => ({ kind: 'text', at: ['ask', 'choices', i, 'text'], value: choice.text })),
      { kind: 'target', at: ['ask', 'timeout', 'goto'], value: step.ask.timeout?.goto },
    ];
  }
  if ('branch' in step) return step.branch.map((c, i): Check => ({ kind: 'target', at: ['branch', i, 'goto'], value: c.goto }));
  if ('wait' in step) return [{ kind: 'target', at: ['wait', 'on_message'], value: step.wait.on_message }];
  if ('goto' in step) return [{ kind: 'target', at: ['goto'], value: step.goto }];
  if ('end' in step && step.end !== true) return [{ kind: 'text', at: ['end', 'text'], value: step.end.text }];
  return [];
}

/** Loads every `*.yaml`/`*.yml` file of a directory; all problems of all files are reported together. */
export async function loadFlowDirectory(directory: string, context: FlowContext): Promise<Flow[]> {
  const names = (await readdir(directory)).filter((name) => /\.ya?ml$/.test(name)).sort();
  return loadFlowFiles(names.map((name) => path.join(directory, name)), context);
}

export async function loadFlowFiles(files: readonly string[], context: FlowContext): Promise<Flow[]> {
  const flows: Flow[] = [];
  const problems: ContentProblem[] = [];
  for (const file of files) {
    const result = parseFlow(file, await readFile(file, 'utf8'), context);
    problems.push(...result.problems);
    if (result.flow) flows.push(result.flow);
  }
  problems.push(...crossContentProblems(flows));
  // The contract speaks of whole flows: checked only once every file loaded, so a broken file is reported once.
  if (problems.length === 0) problems.push(...contractProblems(flows, context.contracts));
  if (problems.length > 0) throw new ContentError(problems);
  return flows;
}

/**
 * The features' side of the contract: every flow a feature starts exists, every event a flow listens to is emitted
 * by some feature, and every choice a feature reads is offered by the question it reads it from.
 */
function contractProblems(flows: readonly Flow[], contracts: readonly FeatureContract[]): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const byId = new Map(flows.map((flow) => [flow.id, flow]));
  const emitted = new Set(contracts.flatMap((contract) => contract.emits));
  for (const contract of contracts) {
    const at = { file: contract.declaredIn, line: 1 };
    for (const id of contract.startsFlows) {
      if (!byId.has(id)) problems.push({ ...at, message: `feature "${contract.feature}" starts flow "${id}", but no flow has that id` });
    }
    for (const reading of contract.readsChoices) problems.push(...choiceProblems(contract, reading, byId.get(reading.flow)));
  }
  for (const flow of flows) {
    flow.triggers.forEach((trigger, index) => {
      if ('event' in trigger && !emitted.has(trigger.event)) {
        problems.push({ file: flow.file, line: flow.lines.triggers[index] ?? 1, message: `flow "${flow.id}" listens to event "${trigger.event}", which no feature emits (known: ${[...emitted].sort().join(', ')})` });
      }
    });
  }
  return problems;
}

function choiceProblems(contract: FeatureContract, reading: ChoiceReading, flow: Flow | undefined): ContentProblem[] {
  const at = { file: contract.declaredIn, line: 1 };
  const where = `feature "${contract.feature}" reads the answer of step "${reading.step}" of flow "${reading.flow}"`;
  if (!flow) return [{ ...at, message: `${where}, but no flow has that id` }];
  const index = flow.stepIndex.get(reading.step);
  const step = index === undefined ? undefined : flow.steps[index];
  const choices = step && ('ask' in step ? step.ask.choices : 'send' in step ? step.send.choices : undefined);
  if (!choices) return [{ ...at, message: `${where}, but that flow has no step with that id offering choices` }];
  const offered = new Set(choices.map((choice) => choice.id));
  return reading.choices
    .filter((choice) => !offered.has(choice))
    .map((choice) => ({ file: flow.file, line: flow.lines.steps[index!] ?? 1, message: `${where} and expects the choice "${choice}", which that question does not offer` }));
}

/** Two flows may not share an id, a command or a keyword: which one would start would be luck. */
function crossContentProblems(flows: readonly Flow[]): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const seen = new Map<string, Flow>();
  const claim = (key: string, flow: Flow, what: string): void => {
    const owner = seen.get(key);
    if (owner && owner !== flow) problems.push({ file: flow.file, line: 1, message: `${what} is already used by ${owner.file}` });
    else seen.set(key, flow);
  };
  for (const flow of flows) {
    claim(`id:${flow.id}`, flow, `flow id "${flow.id}"`);
    for (const trigger of flow.triggers) {
      if ('command' in trigger) claim(`command:${trigger.command}`, flow, `command /${trigger.command}`);
      if ('keyword' in trigger) claim(`keyword:${trigger.keyword}`, flow, `keyword ${trigger.keyword}`);
      if ('unknown_command' in trigger) claim('unknown_command', flow, 'unknown commands');
      if ('inbound' in trigger) for (const kind of trigger.inbound) claim(`inbound:${kind}`, flow, `inbound ${kind}`);
      if ('choice' in trigger) claim(`choice:${trigger.choice}`, flow, `choice ${trigger.choice}`);
    }
  }
  return problems;
}
