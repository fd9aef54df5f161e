import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** ffmpeg could not read or rewrite a video or audio file (or is not installed). */
export class MediaCleaningError extends Error {
  override readonly name = 'MediaCleaningError';
}

/**
 * Rewrites a video or audio file without any metadata: container tags (an MP4's `©xyz` location, ID3 and Vorbis
 * comments, titles, creation times), per-stream tags (`-map_metadata -1` drops both) and chapters; only video and
 * audio streams are kept, so data tracks (a phone's timed GPS track) go too. Streams are copied, not re-encoded:
 * the file keeps its quality and size. `extension` (from the bytes, e.g. "mp4", "ogg") picks the same container.
 */
export async function withoutAudioVideoMetadata(bytes: Uint8Array, extension: string): Promise<Uint8Array> {
  const work = await mkdtemp(path.join(tmpdir(), 'kinbridge-clean-'));
  const input = path.join(work, `in.${extension}`);
  const output = path.join(work, `out.${extension}`);
  try {
    await writeFile(input, bytes);
    await run(
      'ffmpeg',
      ['-v', 'error', '-nostdin', '-i', input, '-map', '0:v?', '-map', '0:a?', '-map_metadata', '-1', '-map_chapters', '-1', '-c', 'copy', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact', output],
      { timeout: 120_000 },
    );
    return await readFile(output);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new MediaCleaningError('ffmpeg is not installed (sudo apt-get install -y ffmpeg): videos and voice notes cannot be cleaned of metadata, so they are not kept', { cause: error });
    throw new MediaCleaningError(`ffmpeg could not rewrite the .${extension} file: ${(error as { stderr?: string }).stderr?.trim() || (error as Error).message}`, { cause: error });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
