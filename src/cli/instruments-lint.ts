import path from 'node:path';
import { loadInstruments } from '../features/checkins/instrument-loader.js';
import { defaultInstrumentsDir } from '../features/checkins/instruments-dir.js';
import { lintContent } from './content-lint.js';

/**
 * `npm run instruments:lint [directory]`: checks the check-in instruments (items in every language, areas, scoring,
 * recurrence, source and licence) and scores each file's worked and trend examples; prints `file:line: message` per problem, exits 1 on any.
 */
process.exitCode = await lintContent(() => {
  const instruments = loadInstruments(path.resolve(process.argv[2] ?? defaultInstrumentsDir));
  const items = instruments.flatMap((instrument) => (instrument.kind === 'wellbeing' ? instrument.items : instrument.ages.flatMap((age) => age.items))).length;
  return `${instruments.length} instrument(s) with ${items} items, worked and trend examples scored as expected, OK`;
});
