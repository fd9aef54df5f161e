import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultFlowsDir, defaultLocalesDir } from '../../src/paths.js';
import { readTranscript } from './transcript.js';

/**
 * Every flow in flows/ is shown working, in every shipped language (a folder of locales/), by at least one golden
 * transcript: a new flow or a new language without its conversation fails here. That a transcript really goes
 * through the flows it names is checked when it is played (transcripts.test.ts).
 */
const conversations = path.join(path.dirname(fileURLToPath(import.meta.url)), 'conversations');

function flowIds(): string[] {
  const files = readdirSync(defaultFlowsDir).filter((file) => file.endsWith('.yaml'));
  return files.map((file) => String((parse(readFileSync(path.join(defaultFlowsDir, file), 'utf8')) as { id: unknown }).id)).sort();
}

function shippedLanguages(): string[] {
  return readdirSync(defaultLocalesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function transcripts() {
  return readdirSync(conversations)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => readTranscript(path.join(conversations, file)));
}

describe('golden transcript coverage', () => {
  it('has a transcript for every flow in every shipped language', () => {
    const covered = new Set(transcripts().flatMap((transcript) => transcript.flows.map((flow) => `${flow} in ${transcript.language}`)));
    const missing = flowIds().flatMap((flow) => shippedLanguages().map((language) => `${flow} in ${language}`)).filter((pair) => !covered.has(pair));
    expect(missing, 'flows with no golden transcript in that language (write one in test/transcripts/conversations/)').toEqual([]);
  });

  it('names only flows that exist, in transcripts of shipped languages', () => {
    const known = new Set(flowIds());
    const languages = new Set(shippedLanguages());
    const wrong = transcripts().flatMap((transcript) => [
      ...transcript.flows.filter((flow) => !known.has(flow)).map((flow) => `${path.basename(transcript.file)} names no flow "${flow}"`),
      ...(languages.has(transcript.language) ? [] : [`${path.basename(transcript.file)} is in "${transcript.language}", not a shipped language`]),
    ]);
    expect(wrong).toEqual([]);
  });
});
