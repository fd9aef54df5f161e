import { describe, expect, it } from 'vitest';
import { itemsAt } from '../../src/features/checkins/instrument.js';
import { loadInstruments } from '../../src/features/checkins/instrument-loader.js';
import { defaultInstrumentsDir } from '../../src/features/checkins/instruments-dir.js';
import { scoreCheckIn } from '../../src/features/checkins/scoring.js';

/** Every shipped instrument file is held to the worked examples it carries from its source's rules. */
describe.each(loadInstruments(defaultInstrumentsDir).map((instrument) => [instrument.id, instrument] as const))('instrument %s', (_id, instrument) => {
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

describe('the 2022 CDC checklists as shipped', () => {
  const cdc = loadInstruments(defaultInstrumentsDir).find((instrument) => instrument.id === 'cdc-milestones')!;

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
