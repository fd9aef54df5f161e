/** Quiet hours as minutes after local midnight; a window may run past midnight (22:00–07:00). */
export interface QuietHours {
  readonly startMinute: number;
  readonly endMinute: number;
}

/** Reads "22-7", "22:00-07:30", "22：00—7：00"; "none"/"无" means no quiet hours (null). */
export function parseQuietHours(input: string): QuietHours | null | undefined {
  const text = input.normalize('NFKC').trim().toLowerCase();
  if (['none', 'no', '无', '没有', '不用'].includes(text)) return null;
  const match = /^(\d{1,2})(?::(\d{2}))?\s*[-~–—到至]\s*(\d{1,2})(?::(\d{2}))?$/.exec(text);
  if (!match) return undefined;
  const start = toMinute(match[1]!, match[2]);
  const end = toMinute(match[3]!, match[4]);
  if (start === undefined || end === undefined || start === end) return undefined;
  return { startMinute: start, endMinute: end };
}

function toMinute(hour: string, minute: string | undefined): number | undefined {
  const h = Number(hour);
  const m = Number(minute ?? '0');
  return h <= 23 && m <= 59 ? h * 60 + m : undefined;
}

export function formatQuietHours(quiet: QuietHours): string {
  const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return `${hhmm(quiet.startMinute)}–${hhmm(quiet.endMinute)}`;
}
