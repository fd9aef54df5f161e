import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ContentError, lineOfPath, type ContentProblem, type Path } from '../../core/content-problems.js';
import { ageBands, Curriculum, recordingKey, type ActivityText, type AgeBand, type CurriculumLanguage } from './curriculum.js';

/**
 * Reads and checks `curriculum/`: plan.yaml (weeks per age band), languages.yaml, text/<language>.yaml and
 * audio/<language>/<activity>.ogg. Problems come as `file:line: message`, like those of flows.
 */

/** Fewer weeks than this leaves a band repeating itself within a season. */
export const MIN_WEEKS_PER_BAND = 12;
const activityId = z.string().regex(/^[a-z][a-z0-9-]*$/, 'activity ids are lower-kebab-case');
const sentence = z.string().trim().min(1, 'must not be empty');

const planSchema = z.strictObject({
  bands: z.strictObject(Object.fromEntries(ageBands.map((band) => [band, z.array(activityId).min(MIN_WEEKS_PER_BAND, `a band needs at least ${MIN_WEEKS_PER_BAND} weeks`)])) as Record<AgeBand, z.ZodArray<typeof activityId>>),
});
const languagesSchema = z.strictObject({
  languages: z.record(
    z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/, 'languages are BCP 47 tags like "zh-CN", "ro" or "cmn-hechi"'),
    z.strictObject({ speech: z.string().min(1).optional(), audio_only: z.boolean().default(false) }),
  ),
});
const textSchema = z.strictObject({
  title: sentence,
  why: sentence,
  steps: z.array(sentence).min(3, 'an activity has 3 to 5 steps').max(5, 'an activity has 3 to 5 steps'),
  parent: sentence,
});
const textsSchema = z.record(activityId, textSchema);

/** The language whose texts stand in for a reader whose language the curriculum lacks. */
const FALLBACK_LANGUAGE = 'zh-CN';

export function loadCurriculum(directory: string): Curriculum {
  const problems: ContentProblem[] = [];
  const plan = readYaml(path.join(directory, 'plan.yaml'), planSchema, problems);
  const languages = readYaml(path.join(directory, 'languages.yaml'), languagesSchema, problems);
  if (!plan || !languages) throw new ContentError(problems);

  const planFile = path.join(directory, 'plan.yaml');
  const ids = new Set<string>();
  for (const [band, activities] of Object.entries(plan.bands)) {
    activities.forEach((id, index) => {
      if (ids.has(id)) problems.push({ file: planFile, line: lineIn(planFile, ['bands', band, index]), message: `activity "${id}" appears twice in the plan` });
      ids.add(id);
    });
  }

  const texts = new Map<string, Map<string, ActivityText>>();
  const recordings = new Map<string, { path: string }>();
  const languageMap = new Map<string, CurriculumLanguage>();
  for (const [language, settings] of Object.entries(languages.languages)) {
    languageMap.set(language, { speech: settings.speech, audioOnly: settings.audio_only });
    const audioDir = path.join(directory, 'audio', language);
    for (const name of existsSync(audioDir) ? readdirSync(audioDir).filter((file) => file.endsWith('.ogg')) : []) {
      const id = name.slice(0, -'.ogg'.length);
      if (!ids.has(id)) problems.push({ file: path.join(audioDir, name), line: 1, message: `recording of unknown activity "${id}"` });
      recordings.set(recordingKey(id, language), { path: path.join(audioDir, name) });
    }
    if (settings.audio_only) {
      for (const id of ids) {
        if (!recordings.has(recordingKey(id, language))) problems.push({ file: path.join(audioDir, `${id}.ogg`), line: 1, message: `audio-only language "${language}" has no recording of "${id}"` });
      }
      continue;
    }
    const textFile = path.join(directory, 'text', `${language}.yaml`);
    if (!existsSync(textFile)) {
      problems.push({ file: textFile, line: 1, message: `language "${language}" has no texts (or mark it audio_only in languages.yaml)` });
      continue;
    }
    const languageTexts = readYaml(textFile, textsSchema, problems);
    if (!languageTexts) continue;
    for (const id of ids) if (!languageTexts[id]) problems.push({ file: textFile, line: 1, message: `activity "${id}" is missing in ${language}` });
    for (const id of Object.keys(languageTexts)) if (!ids.has(id)) problems.push({ file: textFile, line: lineIn(textFile, [id]), message: `activity "${id}" is not in plan.yaml` });
    texts.set(language, new Map(Object.entries(languageTexts)));
  }
  for (const name of existsSync(path.join(directory, 'text')) ? readdirSync(path.join(directory, 'text')) : []) {
    const language = name.replace(/\.ya?ml$/, '');
    if (!languageMap.has(language)) problems.push({ file: path.join(directory, 'text', name), line: 1, message: `language "${language}" is not listed in languages.yaml` });
  }
  if (!texts.has(FALLBACK_LANGUAGE)) problems.push({ file: path.join(directory, 'languages.yaml'), line: 1, message: `the curriculum needs texts in ${FALLBACK_LANGUAGE}, the fallback language` });
  if (problems.length > 0) throw new ContentError(problems);
  const bands = new Map(ageBands.map((band) => [band, plan.bands[band]]));
  return new Curriculum(bands, languageMap, texts, recordings, FALLBACK_LANGUAGE);
}

function readYaml<T>(file: string, schema: z.ZodType<T>, problems: ContentProblem[]): T | undefined {
  if (!existsSync(file)) {
    problems.push({ file, line: 1, message: 'file is missing' });
    return undefined;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    problems.push(...doc.errors.map((error) => ({ file, line: error.linePos?.[0].line ?? 1, message: `YAML: ${error.message.split('\n')[0]}` })));
    return undefined;
  }
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const at = issue.path as Path;
    problems.push({ file, line: lineOfPath(doc, lineCounter, at), message: at.length > 0 ? `${at.join('.')}: ${issue.message}` : issue.message });
  }
  return undefined;
}

function lineIn(file: string, at: Path): number {
  const lineCounter = new LineCounter();
  return lineOfPath(parseDocument(readFileSync(file, 'utf8'), { lineCounter }), lineCounter, at);
}
