import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContentError } from '../../src/core/content-problems.js';
import { itemsAt, type MilestoneInstrument, type WellbeingInstrument } from '../../src/features/checkins/instrument.js';
import { loadInstruments } from '../../src/features/checkins/instrument-loader.js';
import { defaultInstrumentsDir } from '../../src/features/checkins/instruments-dir.js';
import { scoreCheckIn } from '../../src/features/checkins/scoring.js';
import { isWorsening, scoreWellbeing } from '../../src/features/checkins/wellbeing-scoring.js';

const shipped = loadInstruments(defaultInstrumentsDir);
const milestones = shipped.filter((instrument): instrument is MilestoneInstrument => instrument.kind === 'milestones');
const wellbeing = shipped.filter((instrument): instrument is WellbeingInstrument => instrument.kind === 'wellbeing');

/** Every shipped instrument file is held to the worked examples it carries from its source's rules. */
describe.each(milestones.map((instrument) => [instrument.id, instrument] as const))('milestone instrument %s', (_id, instrument) => {
  it.each(instrument.worked_examples.map((example) => [example.name, example] as const))('scores "%s" as its source does', (_name, example) => {
    const items = itemsAt(instrument, example.months);
    expect(items, `no items at ${example.months} months`).toBeDefined();
    const answers = Object.fromEntries(items!.map((item) => [item.id, example.answers[item.id] ?? example.answers.default!]));
    const result = scoreCheckIn(instrument, items!, answers);
    expect({ score: result.score, concern: result.concern, not_yet_areas: result.notYetAreas }).toEqual(example.expect);
  });

  it('cites its source and records its licence check', () => {
    expect(instrument.source.url).toMatch(/^https:\/\//);
    expect(instrument.licence.check.length).toBeGreaterThan(40);
  });
});

describe.each(wellbeing.map((instrument) => [instrument.id, instrument] as const))('wellbeing instrument %s', (_id, instrument) => {
  it.each(instrument.worked_examples.map((example) => [example.name, example] as const))('scores "%s" as the file says', (_name, example) => {
    const answers = Object.fromEntries(instrument.items.map((item) => [item.id, example.answers[item.id] ?? example.answers.default!]));
    expect(scoreWellbeing(instrument, answers)).toBe(example.expect.score);
  });

  it.each(instrument.trend_examples.map((example) => [example.name, example] as const))('reads the trend "%s" as the file says', (_name, example) => {
    expect(isWorsening(instrument, example.scores)).toBe(example.expect.worsening);
  });

  it('is short, monthly, its own wording under the project licence, and spoken in plain words', () => {
    expect(instrument.source.own).toBe(true);
    expect(instrument.licence.name).toContain('Apache-2.0');
    expect(instrument.items.length).toBeLessThanOrEqual(3);
    for (const item of instrument.items) expect(item.ask['zh-CN']!.length, item.id).toBeLessThanOrEqual(30);
    // Words a grandmother would not say (see the brief): no 照顾者, 协调员, 时区.
    expect(JSON.stringify(instrument)).not.toMatch(/照顾者|协调员|时区/);
  });
});

describe('the 2022 CDC checklists as shipped', () => {
  const cdc = milestones.find((instrument) => instrument.id === 'cdc-milestones')!;

  it('cover 2, 2½, 3, 4 and 5 years, each item short enough for one voice message', () => {
    expect(cdc.ages.map((age) => age.months)).toEqual([24, 30, 36, 48, 60]);
    for (const item of cdc.ages.flatMap((age) => age.items)) {
      expect(item.ask['zh-CN']!.length, item.id).toBeLessThanOrEqual(40);
      expect(item.try['zh-CN']!.length, item.id).toBeLessThanOrEqual(40);
    }
  });

  it('refuses to score a check-in that is not finished', () => {
    expect(() => scoreCheckIn(cdc, itemsAt(cdc, 36)!, { 'm36-calms-down': 'yes' })).toThrow('item "m36-joins-play" of cdc-milestones has no answer yet');
  });
});

describe('a wellbeing file a content author got wrong', () => {
  const caregiverFile = path.join(defaultInstrumentsDir, 'kinbridge-wellbeing-caregiver.yaml');

  /** The shipped caregiver file with `change` applied, alone in a directory, as the linter reads it. */
  function problemsOf(change: (text: string) => string): string[] {
    const directory = mkdtempSync(path.join(tmpdir(), 'kinbridge-instruments-'));
    writeFileSync(path.join(directory, 'wellbeing.yaml'), change(readFileSync(caregiverFile, 'utf8')));
    try {
      loadInstruments(directory);
    } catch (error) {
      if (error instanceof ContentError) return error.problems.map((problem) => `${problem.line}: ${problem.message}`);
      throw error;
    }
    return [];
  }

  it('is told, at the line, what is missing or does not add up', () => {
    expect(problemsOf((text) => text)).toEqual([]);
    expect(problemsOf((text) => text.replace('respondent: caregiver', 'respondent: grandma'))).toEqual([expect.stringMatching(/^\d+: respondent: respondent is "parent" or "caregiver"$/)]);
    expect(problemsOf((text) => text.replace('day: 1,', 'day: 31,'))).toEqual([expect.stringContaining('recurrence.day: day is 1 to 28, so every month has it')]);
    expect(problemsOf((text) => text.replace('      en: "How is your own health?"\n', ''))).toEqual([expect.stringContaining('item "own-health" needs its words in en')]);
    expect(problemsOf((text) => text.replace('points: { good: 0, so_so: 1, not_good: 2 }', 'points: { good: 0, so_so: 1 }'))).toEqual([
      expect.stringContaining('give points to every answer: not_good has none (0 means "fine")'),
    ]);
    expect(problemsOf((text) => text.replace('scores: [1, 2, 4]', 'scores: [1, 4, 2]'))).toEqual([
      expect.stringContaining('trend example "harder two months running" (1 → 4 → 2) is not a worsening trend by scoring.worsening, but the file expects the opposite'),
    ]);
    expect(problemsOf((text) => text.replace('kind: wellbeing', 'kind: monthly'))).toEqual([expect.stringContaining('kind is "milestones" (checklist ages) or "wellbeing" (a short monthly check-in)')]);
  });
});
