import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { playTranscript } from './play-transcript.js';
import { readTranscript } from './transcript.js';

/**
 * Golden transcripts (test/transcripts/conversations/*.yaml): each a conversation a person has, in one language,
 * played against the real bot. When a wording changes, the transcript that shows it changes with it.
 */
const conversations = path.join(path.dirname(fileURLToPath(import.meta.url)), 'conversations');
const files = readdirSync(conversations).filter((file) => file.endsWith('.yaml')).sort();

describe('golden transcripts', () => {
  for (const file of files) {
    const transcript = readTranscript(path.join(conversations, file));
    // A long conversation (a check-in of twelve questions, each also spoken) takes minutes on a busy machine.
    it(`${file}: ${transcript.title}`, { timeout: 300_000 }, () => playTranscript(transcript));
  }
});
