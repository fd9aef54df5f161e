import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ContentError, type ContentProblem } from '../../core/content-problems.js';
import { readCheckedYaml } from '../checked-yaml.js';
import { instrumentSchema, itemsAt, type Instrument } from './instrument.js';
import { scoreCheckIn } from './scoring.js';

/** Reads and checks every instrument file; all problems at once, located for the author. */
export function loadInstruments(directory: string, requiredLanguages: readonly string[] = ['zh-CN', 'en']): Instrument[] {
  const problems: ContentProblem[] = [];
  const instruments: Instrument[] = [];
  for (const name of readdirSync(directory).filter((file) => /\.ya?ml$/.test(file)).sort()) {
    const file = path.join(directory, name);
    const read = readCheckedYaml(file, instrumentSchema);
    problems.push(...read.problems);
    if (!read.data) continue;
    const instrument = read.data;
    const ids = new Set<string>();
    instrument.ages.forEach((age, ageIndex) =>
      age.items.forEach((item, itemIndex) => {
        const line = read.lineOf(['ages', ageIndex, 'items', itemIndex]);
        if (ids.has(item.id)) problems.push({ file, line, message: `item "${item.id}" appears twice` });
        ids.add(item.id);
        if (!instrument.areas[item.area]) problems.push({ file, line, message: `item "${item.id}" is in area "${item.area}", which is not listed under areas` });
        for (const language of requiredLanguages) {
          if (!item.ask[language] || !item.try[language]) problems.push({ file, line, message: `item "${item.id}" needs its question and its "how to try" line in ${language}` });
        }
      }),
    );
    for (const answer of Object.keys(instrument.scoring.points)) {
      if (!instrument.answers.includes(answer)) problems.push({ file, line: read.lineOf(['scoring', 'points']), message: `scoring gives points for "${answer}", which is not one of the answers` });
    }
    if (problems.length === 0) problems.push(...workedExampleProblems(instrument).map((message) => ({ file, line: read.lineOf(['worked_examples']), message })));
    instruments.push(instrument);
  }
  if (problems.length > 0) throw new ContentError(problems);
  return instruments;
}

/** Each worked example scored as the file says it should be, or what came out instead. */
function workedExampleProblems(instrument: Instrument): string[] {
  return instrument.worked_examples.flatMap((example) => {
    const items = itemsAt(instrument, example.months);
    if (!items) return [`worked example "${example.name}" is for ${example.months} months, an age with no items`];
    const answers = Object.fromEntries(items.map((item) => [item.id, example.answers[item.id] ?? example.answers.default ?? '']));
    const unanswered = items.filter((item) => !instrument.answers.includes(answers[item.id]!)).map((item) => item.id);
    if (unanswered.length > 0) return [`worked example "${example.name}" gives no valid answer to ${unanswered.join(', ')} (add default: or answer them)`];
    const result = scoreCheckIn(instrument, items, answers);
    const { score, concern, not_yet_areas: areas } = example.expect;
    const matches = result.score === score && result.concern === concern && result.notYetAreas.join() === areas.join();
    return matches ? [] : [`worked example "${example.name}" scores ${result.score} (concern: ${result.concern}, not yet: ${result.notYetAreas.join(', ') || 'none'}), but the file expects ${score} (concern: ${concern}, not yet: ${areas.join(', ') || 'none'})`];
  });
}
