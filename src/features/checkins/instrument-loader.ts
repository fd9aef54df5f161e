import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ContentError, type ContentProblem, type Path } from '../../core/content-problems.js';
import { readCheckedYaml } from '../checked-yaml.js';
import { instrumentSchema, itemsAt, type Instrument, type MilestoneInstrument, type WellbeingInstrument } from './instrument.js';
import { scoreCheckIn } from './scoring.js';
import { isWorsening, scoreWellbeing } from './wellbeing-scoring.js';

type Problem = { readonly at: Path; readonly message: string };

/** Reads and checks every instrument file; all problems at once, located for the author. */
export function loadInstruments(directory: string, requiredLanguages: readonly string[] = ['zh-CN', 'en']): Instrument[] {
  const problems: ContentProblem[] = [];
  const instruments: Instrument[] = [];
  const seenIds = new Map<string, string>();
  for (const name of readdirSync(directory).filter((file) => /\.ya?ml$/.test(file)).sort()) {
    const file = path.join(directory, name);
    const read = readCheckedYaml(file, instrumentSchema);
    problems.push(...read.problems);
    if (!read.data) continue;
    const instrument = read.data;
    const located = (found: readonly Problem[]): ContentProblem[] => found.map(({ at, message }) => ({ file, line: read.lineOf(at), message }));
    if (seenIds.has(instrument.id)) problems.push(...located([{ at: ['id'], message: `instrument id "${instrument.id}" is already used by ${seenIds.get(instrument.id)}` }]));
    seenIds.set(instrument.id, name);
    const fileProblems = located(instrument.kind === 'wellbeing' ? wellbeingProblems(instrument, requiredLanguages) : milestoneProblems(instrument, requiredLanguages));
    problems.push(...fileProblems);
    if (fileProblems.length === 0) {
      const examples = instrument.kind === 'wellbeing' ? wellbeingExampleProblems(instrument) : workedExampleProblems(instrument);
      problems.push(...located(examples));
    }
    instruments.push(instrument);
  }
  if (problems.length > 0) throw new ContentError(problems);
  return instruments;
}

function milestoneProblems(instrument: MilestoneInstrument, requiredLanguages: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const ids = new Set<string>();
  instrument.ages.forEach((age, ageIndex) =>
    age.items.forEach((item, itemIndex) => {
      const at = ['ages', ageIndex, 'items', itemIndex];
      if (ids.has(item.id)) problems.push({ at, message: `item "${item.id}" appears twice` });
      ids.add(item.id);
      if (!instrument.areas[item.area]) problems.push({ at, message: `item "${item.id}" is in area "${item.area}", which is not listed under areas` });
      for (const language of requiredLanguages) {
        if (!item.ask[language] || !item.try[language]) problems.push({ at, message: `item "${item.id}" needs its question and its "how to try" line in ${language}` });
      }
    }),
  );
  return [...problems, ...pointProblems(instrument.scoring.points, instrument.answers)];
}

function wellbeingProblems(instrument: WellbeingInstrument, requiredLanguages: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const answerIds = instrument.answers.map((answer) => answer.id);
  const ids = new Set<string>();
  instrument.items.forEach((item, index) => {
    if (ids.has(item.id)) problems.push({ at: ['items', index], message: `item "${item.id}" appears twice` });
    ids.add(item.id);
  });
  for (const language of requiredLanguages) {
    const missing = [
      ...instrument.items.filter((item) => !item.ask[language]).map((item) => `item "${item.id}"`),
      ...instrument.answers.filter((answer) => !answer.label[language]).map((answer) => `the answer "${answer.id}"`),
      ...(instrument.intro[language] ? [] : ['the intro']),
      ...(instrument.scoring.next_step[language] ? [] : ['the next step']),
    ];
    if (missing.length > 0) problems.push({ at: [], message: `${missing.join(', ')} ${missing.length === 1 ? 'needs its' : 'need their'} words in ${language}` });
  }
  for (const [id, reason] of [
    ['dont_ask', 'it is the "don\'t ask me this" button'],
    ['voice', 'it marks an item answered by voice'],
  ] as const) {
    if (answerIds.includes(id)) problems.push({ at: ['answers'], message: `"${id}" cannot be an answer id: ${reason}` });
  }
  const unscored = answerIds.filter((id) => instrument.scoring.points[id] === undefined);
  if (unscored.length > 0) problems.push({ at: ['scoring', 'points'], message: `give points to every answer: ${unscored.join(', ')} has none (0 means "fine")` });
  return [...problems, ...pointProblems(instrument.scoring.points, answerIds)];
}

function pointProblems(points: Readonly<Record<string, number>>, answers: readonly string[]): Problem[] {
  return Object.keys(points)
    .filter((answer) => !answers.includes(answer))
    .map((answer) => ({ at: ['scoring', 'points'], message: `scoring gives points for "${answer}", which is not one of the answers` }));
}

/** Each worked example scored as the file says it should be, or what came out instead. */
function workedExampleProblems(instrument: MilestoneInstrument): Problem[] {
  return instrument.worked_examples.flatMap((example): Problem[] => {
    const at = ['worked_examples'];
    const items = itemsAt(instrument, example.months);
    if (!items) return [{ at, message: `worked example "${example.name}" is for ${example.months} months, an age with no items` }];
    const answers = answersOf(example.answers, items);
    const unanswered = items.filter((item) => !instrument.answers.includes(answers[item.id]!)).map((item) => item.id);
    if (unanswered.length > 0) return [{ at, message: `worked example "${example.name}" gives no valid answer to ${unanswered.join(', ')} (add default: or answer them)` }];
    const result = scoreCheckIn(instrument, items, answers);
    const { score, concern, not_yet_areas: areas } = example.expect;
    const matches = result.score === score && result.concern === concern && result.notYetAreas.join() === areas.join();
    if (matches) return [];
    return [{ at, message: `worked example "${example.name}" scores ${result.score} (concern: ${result.concern}, not yet: ${result.notYetAreas.join(', ') || 'none'}), but the file expects ${score} (concern: ${concern}, not yet: ${areas.join(', ') || 'none'})` }];
  });
}

/** Each worked example and each trend example comes out as the file says, or what came out instead. */
function wellbeingExampleProblems(instrument: WellbeingInstrument): Problem[] {
  const answerIds = instrument.answers.map((answer) => answer.id);
  const scored = instrument.worked_examples.flatMap((example): Problem[] => {
    const at = ['worked_examples'];
    const answers = answersOf(example.answers, instrument.items);
    const unanswered = instrument.items.filter((item) => !answerIds.includes(answers[item.id]!)).map((item) => item.id);
    if (unanswered.length > 0) return [{ at, message: `worked example "${example.name}" gives no valid answer to ${unanswered.join(', ')} (add default: or answer them)` }];
    const score = scoreWellbeing(instrument, answers);
    return score === example.expect.score ? [] : [{ at, message: `worked example "${example.name}" scores ${score}, but the file expects ${example.expect.score}` }];
  });
  const trends = instrument.trend_examples.flatMap((example): Problem[] => {
    const worsening = isWorsening(instrument, example.scores);
    if (worsening === example.expect.worsening) return [];
    return [{ at: ['trend_examples'], message: `trend example "${example.name}" (${example.scores.join(' → ')}) is ${worsening ? '' : 'not '}a worsening trend by scoring.worsening, but the file expects the opposite` }];
  });
  return [...scored, ...trends];
}

function answersOf(given: Readonly<Record<string, string>>, items: readonly { id: string }[]): Record<string, string> {
  return Object.fromEntries(items.map((item) => [item.id, given[item.id] ?? given.default ?? '']));
}
