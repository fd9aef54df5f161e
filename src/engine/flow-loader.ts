import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ContentError, lineOfPath, type ContentProblem, type Path } from '../core/content-problems.js';
import { flowSchema, type Flow, type FlowData, type Step } from './flow-definition.js';

/** What the loader checks a flow against besides its own shape. */
export interface FlowContext {
  /** Locales every text key must exist in. */
  hasText(key: string): string[];
  /** Outcomes an action may return, or undefined when no such action exists. */
  actionOutcomes(name: string): readonly string[] | undefined;
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
  const parsed = flowSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => problem(issue.path as Path, describeIssue(issue.path as Path, issue.message))),
    };
  }
  const problems = checkReferences(parsed.data, file, context, problem);
  if (problems.length > 0) return { problems };
  const stepIndex = new Map(parsed.data.steps.map((step, index) => [step.id, index]));
  const version = createHash('sha256').update(source).digest('hex').slice(0, 16);
  return { flow: { ...parsed.data, version, file, stepIndex }, problems: [] };
}

function describeIssue(at: Path, message: string): string {
  return at.length > 0 ? `${at.join('.')}: ${message}` : message;
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
    if (id !== undefined && !ids.has(id)) problems.push(problem(at, `no step "${id}" in this flow`));
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
      const outcomes = context.actionOutcomes(step.action);
      if (!outcomes) problems.push(problem(at('action'), `unknown action "${step.action}"`));
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
  if (problems.length > 0) throw new ContentError(problems);
  return flows;
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
      if ('inbound' in trigger) for (const kind of trigger.inbound) claim(`inbound:${kind}`, flow, `inbound ${kind}`);
      if ('choice' in trigger) claim(`choice:${trigger.choice}`, flow, `choice ${trigger.choice}`);
    }
  }
  return problems;
}
