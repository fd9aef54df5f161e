import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActionRegistry } from '../../src/engine/action-registry.js';
import { flowContext } from '../../src/engine/flow-context.js';
import { loadFlowDirectory, loadFlowFiles } from '../../src/engine/flow-loader.js';
import { Translator } from '../../src/engine/translator.js';
import { features } from '../../src/features/feature-list.js';
import { defaultFlowsDir, defaultLocalesDir } from '../../src/paths.js';
import { contentProblems } from '../support/content-problems.js';

const translator = Translator.load(defaultLocalesDir);
const context = flowContext(translator, ActionRegistry.forChecking(features));

function flowFile(name: string, yaml: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'kinbridge-lint-')), name);
  writeFileSync(file, yaml);
  return file;
}

function problemsOf(...files: string[]): Promise<string[]> {
  return contentProblems(() => loadFlowFiles(files, context));
}

describe('shipped flows and locales', () => {
  it('load without a single problem', async () => {
    const flows = await loadFlowDirectory(defaultFlowsDir, context);
    // Every file of flows/ loads, and the onboarding the rest builds on is among them.
    const files = readdirSync(defaultFlowsDir).filter((name) => /\.ya?ml$/.test(name));
    expect(flows).toHaveLength(files.length);
    expect(flows.map((flow) => flow.id)).toEqual(expect.arrayContaining(['onboarding', 'help', 'stop', 'language', 'my-family', 'new-family']));
  });

  it('ship zh-CN and en with exactly the same keys', () => {
    expect(translator.locales).toEqual(expect.arrayContaining(['en', 'zh-CN']));
    // Plural forms differ by language (English has _one/_other, Chinese one form): compare the keys they belong to.
    const keysOf = (locale: string): string[] => [...new Set(translator.keysOf(locale).map((key) => key.replace(/_(zero|one|two|few|many|other)$/, '')))].sort();
    const en = keysOf('en');
    expect(keysOf('zh-CN')).toEqual(en);
    expect(en.length).toBeGreaterThan(50);
  });
});

describe('broken flow files', () => {
  it('name the file, the line and the problem', async () => {
    const file = flowFile('broken.yaml', [
      'id: broken', //                                   1
      'steps:', //                                        2
      '  - id: greet', //                                 3
      '    send: { text: common:no_such_text }', //      4
      '    next: nowhere', //                            5
      '  - id: decide', //                                6
      '    action: families.coordinatorCohorts', //      7
      '    routes: { bogus: greet }', //                 8
      '  - id: greet', //                                 9
      '    end: true', //                                10
    ].join('\n'));
    expect(await problemsOf(file)).toEqual([
      'broken.yaml:9: duplicate step id "greet"',
      'broken.yaml:5: goto "nowhere": no step with that id in this flow',
      'broken.yaml:4: text "common:no_such_text" is missing in locale(s) en, zh-CN',
      'broken.yaml:8: action "families.coordinatorCohorts" never returns "bogus" (it returns one, several, none)',
    ]);
  });

  it('report schema errors at the offending line', async () => {
    const file = flowFile('shape.yaml', 'id: shape\nsteps:\n  - id: wait_a_bit\n    wait: { for: 3 fortnights }\n  - id: Ask\n    ask: { text: common:help, type: choice, into: x }\n');
    expect(await problemsOf(file)).toEqual([
      'shape.yaml:4: steps.0.wait.for: durations look like 90s, 15m, 2h, 3d or 1w',
      'shape.yaml:5: steps.1.id: step ids are lower_snake_case',
      'shape.yaml:6: steps.1.ask: a choice question needs choices or choices_from',
    ]);
  });

  it('report YAML syntax errors and duplicate keys', async () => {
    expect(await problemsOf(flowFile('syntax.yaml', 'id: x\nsteps:\n  - id: a\n    send: { text: common:help\n'))).toEqual([
      'syntax.yaml:5: YAML: Flow map in block collection must be sufficiently indented and end with a }',
    ]);
    expect(await problemsOf(flowFile('dup.yaml', 'id: x\nsteps:\n  - id: a\n    end: true\n    end: true\n'))).toEqual(['dup.yaml:5: YAML: Map keys must be unique']);
  });

  it('refuse two flows claiming one command', async () => {
    const a = flowFile('a.yaml', 'id: a\ntriggers: [{ command: hello }]\nsteps:\n  - id: x\n    end: true\n');
    const b = flowFile('b.yaml', 'id: b\ntriggers: [{ command: hello }]\nsteps:\n  - id: x\n    end: true\n');
    expect(await problemsOf(a, b)).toEqual([expect.stringMatching(/^b\.yaml:1: command \/hello is already used by .*a\.yaml$/)]);
  });
});
