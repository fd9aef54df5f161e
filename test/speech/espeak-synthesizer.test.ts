import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EspeakSynthesizer } from '../../src/speech/espeak-synthesizer.js';
import { SpeechToolMissingError } from '../../src/speech/speech-synthesizer.js';
import { probeAudio } from '../support/audio-probe.js';

const temporary = (prefix: string): string => mkdtempSync(path.join(tmpdir(), prefix));

describe('espeak-ng speech', () => {
  it('reads Chinese and English into mono OGG/Opus voice files', async () => {
    const synthesizer = new EspeakSynthesizer({ cacheDir: temporary('kinbridge-speech-') });
    for (const [voice, text] of [['cmn', '这周的游戏：学我做！和孩子面对面坐好。'], ['en', 'This week: copy me! Sit face to face.']] as const) {
      const audio = await synthesizer.synthesize({ text, voice });
      expect(audio.mimeType).toBe('audio/ogg');
      const probe = probeAudio(audio.path);
      expect(probe).toMatchObject({ format: 'ogg', codec: 'opus', channels: 1 });
      expect(probe.seconds).toBeGreaterThan(1);
    }
  });

  it('makes each sentence once: the same voice and text come from the cache', async () => {
    const synthesizer = new EspeakSynthesizer({ cacheDir: temporary('kinbridge-speech-') });
    const first = await synthesizer.synthesize({ text: 'Pour the water slowly.', voice: 'en' });
    const madeAt = statSync(first.path).mtimeMs;
    const again = await synthesizer.synthesize({ text: 'Pour the water slowly.', voice: 'en' });
    expect(again.path).toBe(first.path);
    expect(statSync(again.path).mtimeMs).toBe(madeAt);
    const other = await synthesizer.synthesize({ text: 'Pour the water slowly.', voice: 'en-gb' });
    expect(other.path).not.toBe(first.path);
  });

  it('names the missing Debian package when espeak-ng or ffmpeg is not installed', async () => {
    const nothing = temporary('kinbridge-no-tools-');
    const withoutTools = new EspeakSynthesizer({ cacheDir: temporary('kinbridge-speech-'), searchPath: nothing });
    const missingEspeak = await withoutTools.synthesize({ text: 'hello', voice: 'en' }).catch((error: unknown) => error);
    expect(missingEspeak).toBeInstanceOf(SpeechToolMissingError);
    expect((missingEspeak as Error).message).toBe('Text-to-speech needs "espeak-ng", which is not installed: sudo apt-get install -y espeak-ng');

    const onlyEspeak = temporary('kinbridge-only-espeak-');
    symlinkSync(execFileSync('which', ['espeak-ng'], { encoding: 'utf8' }).trim(), path.join(onlyEspeak, 'espeak-ng'));
    const withoutFfmpeg = new EspeakSynthesizer({ cacheDir: temporary('kinbridge-speech-'), searchPath: onlyEspeak });
    await expect(withoutFfmpeg.synthesize({ text: 'hello', voice: 'en' })).rejects.toMatchObject({ name: 'SpeechToolMissingError', debianPackage: 'ffmpeg' });
  });
});
