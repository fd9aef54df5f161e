import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { defaultFlowsDir } from '../../src/paths.js';
import { contentProblems } from '../support/content-problems.js';
import { FlowHarness } from '../support/flow-harness.js';
import { TestClock } from '../support/test-clock.js';

function flowFile(name: string, lines: readonly string[]): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'kinbridge-flowlang-')), name);
  writeFileSync(file, lines.join('\n'));
  return file;
}

function problemsOf(file: string): Promise<string[]> {
  return contentProblems(async () => FlowHarness.load(file));
}

const CHILD_ID = '0b6f2f3e-1d2c-4c3b-9a1e-2f0d9c8b7a65';
const voiceNote = { kind: 'voice', media: { channel: 'telegram', fileId: 'voice-1', mimeType: 'audio/ogg' }, durationSeconds: 4 } as const;

/** A choice question that also takes a voice note, kept as a result about a child. */
const mediaQuestion = [
  'id: media-question',
  'steps:',
  '  - id: ask',
  '    ask:',
  '      text: calls:nudge',
  '      type: choice',
  '      choices:',
  '        - { id: talked, text: calls:choice.talked }',
  '        - { id: later, text: calls:choice.later }',
  '      accept_media: [voice]',
  '      into: answer',
  '      save: how_it_went',
  '      child_from: child_id',
  '  - id: done',
  '    end: { text: calls:logged }',
];

describe('save: keeps answers as results of the flow', () => {
  it('keeps the parent\'s answer to a call nudge, with the child, flow version and the clock\'s time', async () => {
    const clock = new TestClock(new Date('2026-11-23T11:30:00Z'));
    const snooze = vi.fn(() => ({}));
    const nudge = FlowHarness.load(path.join(defaultFlowsDir, 'call-nudge.yaml'), {
      clock,
      person: { locale: 'en' },
      actions: {
        'calls.prepareNudge': () => ({ vars: { child_id: CHILD_ID, child_name: 'Lili', window_text: 'now', starter: '' } }),
        'calls.snooze': snooze,
      },
    });
    const asked = await nudge.start({ plan_id: 'plan-1' });
    expect(asked.results).toEqual([]);
    expect(asked.messages[0]!.choices?.length).toBe(3);
    clock.advance(60_000);
    const answered = await nudge.tap('later');
    expect(snooze).toHaveBeenCalledOnce();
    expect(answered.results).toEqual([
      {
        flowId: 'call-nudge',
        flowVersion: expect.stringMatching(/^[0-9a-f]{16}$/),
        name: 'nudge_answer',
        value: 'later',
        category: 'later',
        childId: CHILD_ID,
        recordedAt: new Date('2026-11-23T11:31:00Z'),
      },
    ]);
    // The session is over, the answer is not.
    expect(nudge.stepId).toBeUndefined();
    expect(nudge.results).toHaveLength(1);
  });

  it('keeps nothing when the nudge goes unanswered until its timeout', async () => {
    const nudge = FlowHarness.load(path.join(defaultFlowsDir, 'call-nudge.yaml'), {
      actions: { 'calls.prepareNudge': () => ({ vars: { child_id: CHILD_ID, child_name: 'Lili', window_text: 'now', starter: '' } }) },
    });
    await nudge.start({ plan_id: 'plan-1' });
    expect(nudge.stepId).toBe('ask');
    const timedOut = await nudge.fireTimer();
    expect(timedOut.results).toEqual([]);
    expect(nudge.stepId).toBeUndefined();
    expect(nudge.results).toEqual([]);
  });

  it('keeps nothing for an answer that does not fit, and keeps the answer that does', async () => {
    const question = FlowHarness.load(flowFile('media-question.yaml', mediaQuestion));
    await question.start({ child_id: CHILD_ID });
    expect((await question.say('what?')).results).toEqual([]);
    const typed = await question.say('1');
    expect(typed.results.map(({ value, category }) => ({ value, category }))).toEqual([{ value: 'talked', category: 'talked' }]);
  });
});

describe('ask: a choice question that also takes media', () => {
  it('takes a voice note as the answer, marked as a voice, kept without a category', async () => {
    const question = FlowHarness.load(flowFile('media-question.yaml', mediaQuestion));
    await question.start({ child_id: CHILD_ID });
    const answered = await question.send(voiceNote);
    expect(answered.texts).toHaveLength(1);
    const voice = { kind: 'voice', channel: 'telegram', fileId: 'voice-1', mimeType: 'audio/ogg', durationSeconds: 4 };
    expect(answered.results).toEqual([expect.objectContaining({ name: 'how_it_went', value: voice, category: null, childId: CHILD_ID })]);
    expect(question.stepId).toBeUndefined();
  });

  it('still takes a tap, and refuses media it was not told to take', async () => {
    const question = FlowHarness.load(flowFile('media-question.yaml', mediaQuestion));
    await question.start({ child_id: CHILD_ID });
    const photo = await question.send({ kind: 'photo', media: { channel: 'telegram', fileId: 'photo-1' } });
    expect(photo.results).toEqual([]);
    expect(question.stepId).toBe('ask');
    await question.tap('later');
    expect(question.results.map((result) => result.value)).toEqual(['later']);
  });
});

describe('conditions: all, any, not, gte, lte', () => {
  const routing = flowFile('routing.yaml', [
    'id: routing',
    'steps:',
    '  - id: route',
    '    branch:',
    '      - if: { all: [{ var: calls, gte: 2 }, { not: { var: answer, equals: skip } }] }',
    '        goto: enough',
    '      - if: { any: [{ var: answer, in: [later, skip] }, { var: calls, lte: 0 }] }',
    '        goto: later',
    '  - id: some',
    '    end: { text: calls:logged }',
    '  - id: enough',
    '    end: { text: calls:skipped }',
    '  - id: later',
    '    end: { text: calls:snoozed }',
  ]);
  const cases: [Record<string, unknown>, string][] = [
    [{ calls: 2, answer: 'talked' }, 'calls:skipped'],
    [{ calls: 3, answer: 'skip' }, 'calls:snoozed'],
    [{ calls: 1, answer: 'talked' }, 'calls:logged'],
    [{ calls: 0, answer: 'talked' }, 'calls:snoozed'],
    [{ calls: 1, answer: 'later' }, 'calls:snoozed'],
    [{ answer: 'talked' }, 'calls:logged'],
  ];
  it.each(cases)('with %j ends with %s', async (vars, key) => {
    const flow = FlowHarness.load(routing, { person: { locale: 'en' } });
    const output = await flow.start(vars);
    const en = FlowHarness.load(flowFile('say.yaml', ['id: say', 'steps:', '  - id: say', `    end: { text: ${key} }`]), { person: { locale: 'en' } });
    expect(output.texts).toEqual((await en.start(vars)).texts);
  });
});

describe('the linter explains the new constructs in words', () => {
  const ask = (extra: string[], type = 'choice'): string[] => [
    'id: lint',
    'steps:',
    '  - id: ask',
    '    ask:',
    '      text: calls:nudge',
    `      type: ${type}`,
    ...(type === 'choice' ? ['      choices: [{ id: talked, text: calls:choice.talked }]'] : []),
    '      into: answer',
    ...extra,
  ];
  const branch = (condition: string): string[] => ['id: lint', 'steps:', '  - id: route', '    branch:', `      - if: ${condition}`, '        goto: route'];

  it.each([
    [ask(['      accept_media: [voice]'], 'text'), 'lint.yaml:8: steps.0.ask.accept_media: `accept_media` on a question that is not a choice: only choice questions take media (use type: photo or voice for media alone)'],
    [ask(['      accept_media: [voice, voice]']), 'lint.yaml:9: steps.0.ask.accept_media: `accept_media` names the same kind twice'],
    [ask(['      accept_media: [video]']), 'lint.yaml:9: step "ask": ask.accept_media.0: Invalid option: expected one of "photo"|"voice"'],
    [ask(['      child_from: child_id']), 'lint.yaml:9: steps.0.ask.child_from: `child_from` says which child a kept answer is about: it needs `save` on the same question'],
    [ask(['      save: How It Went']), 'lint.yaml:9: steps.0.ask.save: result names are lower_snake_case, like "nudge_answer"'],
    [branch('{ not: [{ var: a, equals: 1 }] }'), 'lint.yaml:5: steps.0.branch.0.if.not: condition `not` needs one test (e.g. { var: answer, equals: later }), not a list or a value'],
    [branch('{ all: [] }'), 'lint.yaml:5: steps.0.branch.0.if.all: condition `all` needs a list of at least one test'],
    [branch('{ any: [{ var: a, gt: 1, lt: 5 }] }'), 'lint.yaml:5: steps.0.branch.0.if.any.0: a condition test compares `a` in exactly one way (equals, in, present, gt, lt, gte, lte), this one has gt and lt: use all: [...] to combine tests'],
    [branch('{ var: a, gte: "3" }'), 'lint.yaml:5: steps.0.branch.0.if.gte: condition `gte` compares with a number, not "3"'],
    [branch('{ equals: 3 }'), 'lint.yaml:5: steps.0.branch.0.if: a condition test needs `var`: the name of the variable it looks at (e.g. { var: answer, equals: later })'],
    [branch('{ not: { var: a, present: true }, var: b }'), 'lint.yaml:5: steps.0.branch.0.if: condition `not` stands alone: put var in a test inside it'],
    [branch('{ var: a, above: 3 }'), 'lint.yaml:5: steps.0.branch.0.if: condition has unknown key(s) "above" (a test has var and one of equals, in, present, gt, lt, gte, lte; or use all, any, not)'],
  ])('%#: %j', async (lines, message) => {
    expect(await problemsOf(flowFile('lint.yaml', lines))).toEqual([message]);
  });
});
