import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

/** A small JPEG carrying EXIF with a GPS position (Hechi, Guangxi), as phones write it. */
export async function jpegWithGps(width = 64, height = 48): Promise<Uint8Array> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'KinbridgePhone', Model: 'Test 1' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '24/1 41/1 30/1', GPSLongitudeRef: 'E', GPSLongitude: '108/1 2/1 0/1' },
    })
    .toBuffer();
}

/** The first page of an Ogg Opus stream: what a Telegram voice note starts with, enough for type detection. */
export function oggOpusVoice(size = 2048): Uint8Array {
  const bytes = Buffer.alloc(size);
  bytes.write('OggS', 0, 'latin1');
  bytes[5] = 0x02; // beginning of stream
  bytes[26] = 1; // one segment
  bytes[27] = 19; // of 19 bytes: the OpusHead packet
  bytes.write('OpusHead', 28, 'latin1');
  bytes[36] = 1; // version
  bytes[37] = 1; // mono
  return bytes;
}

/** The start of an MP4 file (an ftyp box), enough for type detection. */
export function mp4Video(size = 4096): Uint8Array {
  const bytes = Buffer.alloc(size);
  bytes.writeUInt32BE(24, 0);
  bytes.write('ftypisom', 4, 'latin1');
  bytes.write('isomiso2mp41', 12, 'latin1');
  return bytes;
}

/** Bytes that are no photo at all (a PDF). */
export function pdfBytes(): Uint8Array {
  return Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
}

/** Where a phone put this file: Hechi, Guangxi, in the ISO 6709 form an MP4's `©xyz` atom holds. */
export const HECHI_ISO6709 = '+24.6917+108.0333/';

/**
 * A real one-second MP4 (MPEG-4 video, AAC audio) made by ffmpeg, carrying what phones write: a location (`©xyz`),
 * a title and a creation time. Made once per process.
 */
export const mp4WithLocation = once(() =>
  ffmpegFixture('mp4', [
    '-f', 'lavfi', '-i', 'testsrc=duration=1:size=64x48:rate=5', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1',
    '-c:v', 'mpeg4', '-c:a', 'aac', '-shortest',
    '-metadata', `location=${HECHI_ISO6709}`, '-metadata', 'title=Xiaoming in Hechi', '-metadata', 'creation_time=2026-11-20T08:30:00Z',
  ]),
);

/** A real one-second Ogg Opus voice note carrying tags a recorder app may write: who, where, what. */
export const taggedOggVoice = once(() =>
  ffmpegFixture('ogg', [
    '-f', 'lavfi', '-i', 'sine=frequency=330:duration=1', '-c:a', 'libopus', '-ac', '1',
    '-metadata', 'artist=Wang Nainai', '-metadata', 'location=Hechi, Guangxi', '-metadata', 'title=Xiaoming sings',
  ]),
);

/** Every tag ffprobe finds in a file, of the container and of each stream, as "key=value". */
export function mediaTags(bytes: Uint8Array): string[] {
  const work = mkdtempSync(path.join(tmpdir(), 'kinbridge-probe-'));
  try {
    const file = path.join(work, 'probed');
    writeFileSync(file, bytes);
    const output = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format_tags:stream_tags', '-of', 'json', file], { encoding: 'utf8' });
    const probe = JSON.parse(output) as { format?: { tags?: Record<string, string> }; streams?: { tags?: Record<string, string> }[] };
    return [probe.format?.tags ?? {}, ...(probe.streams ?? []).map((stream) => stream.tags ?? {})].flatMap((tags) => Object.entries(tags).map(([key, value]) => `${key}=${value}`));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function ffmpegFixture(extension: string, args: readonly string[]): Uint8Array {
  const work = mkdtempSync(path.join(tmpdir(), 'kinbridge-fixture-'));
  try {
    const file = path.join(work, `fixture.${extension}`);
    execFileSync('ffmpeg', ['-v', 'error', '-y', ...args, file]);
    return readFileSync(file);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
