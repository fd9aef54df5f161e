import { appendFileSync } from 'node:fs';
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/**
 * Ends the run with the plain "N passed, N failed" line that CI systems read, whatever the default reporter prints.
 * A file that failed outside its tests (it did not load, a hook threw) and an error no test caught each count as a
 * failure: the line must never read "0 failed" on a red run. With KINBRIDGE_TEST_SUMMARY set, the counts are also
 * appended there as a JSON line, for test/run.ts to add up its passes.
 */
export default class ClosingLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const counts = { passed: 0, failed: unhandledErrors.length, skipped: 0 };
    for (const module of testModules) {
      let failedTests = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') failedTests += 1;
        else counts.skipped += 1;
      }
      counts.failed += failedTests > 0 ? failedTests : module.state() === 'failed' ? 1 : 0;
    }
    process.stdout.write(`\n${closingLine(counts)}\n`);
    const summaryFile = process.env.KINBRIDGE_TEST_SUMMARY;
    if (summaryFile) appendFileSync(summaryFile, `${JSON.stringify(counts)}\n`);
  }
}

export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

export function closingLine({ passed, failed, skipped }: TestCounts): string {
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}
