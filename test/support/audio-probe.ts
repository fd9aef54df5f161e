import { execFileSync } from 'node:child_process';

/** What a real decoder makes of a file: container, codec, channels and length. */
export function probeAudio(file: string): { format: string; codec: string; channels: number; seconds: number } {
  const output = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=format_name,duration:stream=codec_name,channels', '-of', 'json', file], { encoding: 'utf8' });
  const probe = JSON.parse(output) as { format: { format_name: string; duration: string }; streams: { codec_name: string; channels: number }[] };
  return { format: probe.format.format_name, codec: probe.streams[0]!.codec_name, channels: probe.streams[0]!.channels, seconds: Number(probe.format.duration) };
}
