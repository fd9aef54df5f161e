import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeatureContract } from '../../src/core/feature-contract.js';
import { actionArgs, defineAction } from '../../src/core/flow-action.js';
import { ActionArgumentsError, ActionRegistry } from '../../src/engine/action-registry.js';
import { flowContext } from '../../src/engine/flow-context.js';
import { loadFlowDirectory, loadFlowFiles } from '../../src/engine/flow-loader.js';
import { Translator } from '../../src/engine/translator.js';
import { features } from '../../src/features/feature-list.js';
import { defaultFlowsDir, defaultLocalesDir } from '../../src/paths.js';
import { contentProblems } from '../support/content-problems.js';

const translator = Translator.load(defaultLocalesDir);
const shipped = flowContext(translator, ActionRegistry.forChecking(features));

/** The shipped flows in a directory of their own, with `edit` applied to one file. */
function flowsWith(file: string, edit: (yaml: string) => string): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'kinbridge-contract-')), 'flows');
  cpSync(defaultFlowsDir, dir, { recursive: true });
  const target = path.join(dir, file);
  const edited = edit(readFileSync(target, 'utf8'));
  expect(edited, `the edit changed ${file}`).not.toBe(readFileSync(target, 'utf8'));
  writeFileSync(target, edited);
  return dir;
}

function oneFlow(yaml: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'kinbridge-contract-')), 'flow.yaml');
  writeFileSync(file, yaml);
  return file;
}

describe('the flow linter holds features and flows to their contract', () => {
  it('says in words which step type is unknown and which goto leads nowhere', async () => {
    const file = oneFlow('id: lost\nsteps:\n  - id: fly\n    teleport: { to: mars }\n  - id: back\n    goto: nowhere\n');
    expect(await contentProblems(() => loadFlowFiles([file], shipped))).toEqual([
      'flow.yaml:3: step "fly": unknown step type "teleport" (expected one of send, ask, branch, set, action, wait, goto, end)',
    ]);
    const fixed = oneFlow('id: lost\nsteps:\n  - id: back\n    goto: nowhere\n');
    expect(await contentProblems(() => loadFlowFiles([fixed], shipped))).toEqual(['flow.yaml:4: goto "nowhere": no step with that id in this flow']);
  });

  it("checks a step's arguments against the action's: names, required ones and literal values", async () => {
    const file = oneFlow(
      [
        'id: consent-check',
        'steps:',
        '  - id: decide',
        '    action: consent.decide',
        '    args: { kind: photos, child: "{{child_id}}", granted: "{{answer}}" }',
        '    routes: { denied: done }',
        '  - id: done',
        '    end: true',
      ].join('\n'),
    );
    const found = await contentProblems(() => loadFlowFiles([file], shipped));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^flow\.yaml:5: argument "kind" of "consent\.decide": .*photo_sharing/),
        'flow.yaml:5: action "consent.decide" has no argument "child" (it takes child_id, granted, kind)',
        'flow.yaml:4: action "consent.decide" needs the argument "child_id"',
      ]),
    );
  });

  it('finds a flow a feature starts that does not exist', async () => {
    const dir = flowsWith('call-nudge.yaml', (yaml) => yaml.replace('id: call-nudge', 'id: call-reminder'));
    expect(await contentProblems(() => loadFlowDirectory(dir, shipped))).toEqual(
      expect.arrayContaining(['calls-feature.ts:1: feature "calls" starts flow "call-nudge", but no flow has that id']),
    );
  });

  it('finds a flow listening to an event no feature emits', async () => {
    const dir = flowsWith('call-plan.yaml', (yaml) => yaml.replace('event: calls.plan_wanted', 'event: calls.plan_wished'));
    const found = await contentProblems(() => loadFlowDirectory(dir, shipped));
    expect(found).toEqual([expect.stringMatching(/^call-plan\.yaml:\d+: flow "call-plan" listens to event "calls\.plan_wished", which no feature emits \(known: .*calls\.plan_wanted/)]);
  });

  it("finds a choice a feature reads that the flow's question no longer offers", async () => {
    const dir = flowsWith('play-reminder.yaml', (yaml) => yaml.replace('{ id: done,', '{ id: finished,'));
    expect(await contentProblems(() => loadFlowDirectory(dir, shipped))).toEqual([
      expect.stringMatching(/^play-reminder\.yaml:\d+: feature "activities" reads the answer of step "show" of flow "play-reminder" and expects the choice "done", which that question does not offer$/),
    ]);
  });

  it('finds a choice a feature reads from a step that is gone', async () => {
    const strict: FeatureContract = { feature: 'probe', declaredIn: 'probe-feature.ts', startsFlows: [], emits: [], readsChoices: [{ flow: 'onboarding', step: 'ask_shoe_size', choices: ['big'] }], actions: [] };
    const context = flowContext(translator, ActionRegistry.forChecking([...features, strict]));
    expect(await contentProblems(() => loadFlowDirectory(defaultFlowsDir, context))).toEqual([
      'probe-feature.ts:1: feature "probe" reads the answer of step "ask_shoe_size" of flow "onboarding", but that flow has no step with that id offering choices',
    ]);
  });

  it('refuses at run time arguments the linter could not see (filled in from variables)', async () => {
    const probe: FeatureContract = {
      feature: 'probe',
      declaredIn: 'probe-feature.ts',
      startsFlows: [],
      emits: [],
      readsChoices: [],
      actions: [defineAction({ name: 'probe.run', outcomes: ['ok'], args: actionArgs(['child_id']), run: async () => ({}) })],
    };
    const registry = new ActionRegistry([{ contract: probe, actionDeps: undefined }]);
    const person = { id: 'p', displayName: 'P', locale: 'en', timeZone: 'UTC', optedOutAt: null };
    await expect(registry.run('probe.run', { person, args: { child_id: 'c1', extra: 1 }, vars: {} })).rejects.toBeInstanceOf(ActionArgumentsError);
    await expect(registry.run('probe.run', { person, args: {}, vars: {} })).rejects.toThrow('child_id: this argument must be given');
    await expect(registry.run('probe.run', { person, args: { child_id: 'c1' }, vars: {} })).resolves.toEqual({ outcome: 'ok' });
  });
});
