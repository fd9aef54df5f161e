/** One line of the doctor's report: what was looked at, what was found, and what to do when it is not right. */
export interface CheckResult {
  readonly outcome: 'ok' | 'warn' | 'fail';
  readonly subject: string;
  readonly finding: string;
  /** One concrete step that fixes it; absent when nothing is to be done. */
  readonly fix?: string;
}

export const ok = (subject: string, finding: string): CheckResult => ({ outcome: 'ok', subject, finding });
export const warn = (subject: string, finding: string, fix: string): CheckResult => ({ outcome: 'warn', subject, finding, fix });
export const fail = (subject: string, finding: string, fix: string): CheckResult => ({ outcome: 'fail', subject, finding, fix });

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
