import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { SpeechSynthesisError, SpeechToolMissingError, type AudioFile, type SpeechRequest, type SpeechSynthesizer } from './speech-synthesizer.js';

const run = promisify(execFile);

/** Telegram voice notes are mono Opus in OGG; 24 kbit/s is plenty for speech. */
const OPUS_ARGS = ['-c:a', 'libopus', '-b:a', '24k', '-ac', '1', '-application', 'voip'];

export interface EspeakOptions {
  /** Where synthesized audio is kept, named by a hash of voice and text, so each sentence is made once. */
  readonly cacheDir: string;
  /** The PATH the tools are looked up in (the process's own by default). */
  readonly searchPath?: string;
}

/**
 * The local default: Debian's `espeak-ng` reads the text into a WAV file, `ffmpeg` encodes it to OGG/Opus.
 * Robotic, but offline and free; a recorded voice or a cloud provider sounds better.
 */
export class EspeakSynthesizer implements SpeechSynthesizer {
  constructor(private readonly options: EspeakOptions) {}

  async synthesize({ text, voice }: SpeechRequest): Promise<AudioFile> {
    const hash = createHash('sha256').update(`espeak-ng\0${voice}\0${text}`).digest('hex');
    const file = path.join(this.options.cacheDir, `${hash}.ogg`);
    if (!(await exists(file))) await this.render(text, voice, file);
    return { path: file, fileName: `${hash.slice(0, 16)}.ogg`, mimeType: 'audio/ogg' };
  }

  private async render(text: string, voice: string, file: string): Promise<void> {
    await mkdir(this.options.cacheDir, { recursive: true });
    // Work files get unique names and the result is renamed into place, so two workers never see half a file.
    const work = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    try {
      await this.tool('espeak-ng', 'espeak-ng', ['-v', voice, '-w', `${work}.wav`, '--', text]);
      await this.tool('ffmpeg', 'ffmpeg', ['-loglevel', 'error', '-y', '-i', `${work}.wav`, ...OPUS_ARGS, '-f', 'ogg', `${work}.ogg`]);
      await rename(`${work}.ogg`, file);
    } finally {
      await rm(`${work}.wav`, { force: true });
      await rm(`${work}.ogg`, { force: true });
    }
  }

  private async tool(program: string, debianPackage: string, args: string[]): Promise<void> {
    const env = this.options.searchPath === undefined ? process.env : { ...process.env, PATH: this.options.searchPath };
    try {
      await run(program, args, { env, timeout: 60_000 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new SpeechToolMissingError(program, debianPackage);
      throw new SpeechSynthesisError(`${program} failed: ${(error as { stderr?: string }).stderr?.trim() || (error as Error).message}`);
    }
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
