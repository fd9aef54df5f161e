import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { aptInstallLine, debianPackagesFor, missingTools, type SystemTool } from '../src/infra/system-tools.js';
import { projectRoot } from '../src/paths.js';
import { closingLine, type TestCounts } from './support/closing-line-reporter.js';
import { startTestServices } from './support/test-services.js';

/**
 * `npm test`, the one command that tells the truth about the suite:
 * 1. the Debian tools the tests run are there — installed when this runs as root or with sudo, otherwise one
 *    `apt-get install` line and exit 1, before anything else can fail confusingly;
 * 2. the static checks: `tsc --noEmit`, the layering rules (dependency-cruiser) and the copy-paste check (jscpd);
 * 3. PostgreSQL and Redis, started once here (DATABASE_URL/REDIS_URL when set, else embedded ones);
 * 4. vitest over the suite, then again with the machine's clock a year ahead and a year back (libfaketime). The
 *    tests keep their own dates, so a path that reads the real clock instead of the injected one fails there;
 * 5. a closing "N passed, N failed" line over all passes, and a non-zero exit on any failure.
 * Arguments go to vitest: `npm test -- test/features` runs those files in every pass.
 */

/** libfaketime moves this process's clock but breaks redis-server, which is why the services start out here. */
const TIME_TRAVEL = [
  { label: 'a year ahead', offset: '+365d' },
  { label: 'a year back', offset: '-365d' },
] as const;
/** Files that start servers of their own (redis-server breaks under libfaketime) run in the first pass only. */
const SERVER_STARTING_FILES = 'test/infra/**';

async function main(): Promise<number> {
  const vitestArgs = process.argv.slice(2);
  const tools: SystemTool[] = ['espeak-ng', 'ffmpeg', 'ffprobe', 'faketime', 'pg_dump', 'pg_restore', 'chromium', 'noto-cjk', ...(process.env.REDIS_URL ? [] : ['redis-server' as const])];
  if (!(await installMissing(tools))) return 1;
  const failedChecks = await runStaticChecks();
  if (failedChecks.length > 0) {
    console.error(`\nFailed before any test ran: ${failedChecks.join(', ')}.`);
    console.log(`\n${closingLine({ passed: 0, failed: failedChecks.length, skipped: 0 })}`);
    return 1;
  }

  const services = await startTestServices();
  const summaryFile = path.join(services.scratchDir, 'summary.jsonl');
  const env = { ...process.env, DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, KINBRIDGE_TEST_SUMMARY: summaryFile };
  const total: TestCounts = { passed: 0, failed: 0, skipped: 0 };
  try {
    const passes = [
      { label: "on the machine's clock", command: ['npx', 'vitest', 'run', ...vitestArgs] },
      ...TIME_TRAVEL.map(({ label, offset }) => ({
        label: `with the machine's clock ${label}`,
        command: ['faketime', '-f', offset, 'npx', 'vitest', 'run', '--exclude', SERVER_STARTING_FILES, '--passWithNoTests', ...vitestArgs],
      })),
    ];
    for (const pass of passes) {
      console.log(`\n=== Tests ${pass.label} ===`);
      await rm(summaryFile, { force: true });
      const status = await run(pass.command[0]!, pass.command.slice(1), { ...env, FAKETIME_DONT_FAKE_MONOTONIC: '1' });
      const counts = await readCounts(summaryFile);
      // A vitest that crashed before reporting, or failed outside any test, still counts as one failure.
      if (status !== 0 && counts.failed === 0) counts.failed = 1;
      total.passed += counts.passed;
      total.failed += counts.failed;
      total.skipped += counts.skipped;
    }
  } finally {
    await services.stop();
  }
  console.log(`\nTotal: ${closingLine(total)}`);
  return total.failed === 0 && total.passed > 0 ? 0 : 1;
}

/** Checks that read the code without running it; answers the names of those that failed. */
async function runStaticChecks(): Promise<string[]> {
  const checks = [
    { name: 'the type check', command: ['tsc', '--noEmit'] },
    { name: 'the layering rules (.dependency-cruiser.cjs)', command: ['depcruise', 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'] },
    { name: 'the copy-paste check (.jscpd.json)', command: ['jscpd'] },
  ];
  const failed: string[] = [];
  for (const check of checks) {
    if ((await run('npx', check.command)) !== 0) failed.push(check.name);
  }
  return failed;
}

/** True when every tool is there (perhaps after installing); false after saying how to get the rest. */
async function installMissing(tools: readonly SystemTool[]): Promise<boolean> {
  const missing = missingTools(tools);
  if (missing.length === 0) return true;
  const packages = debianPackagesFor(missing);
  const sudo = process.getuid?.() === 0 ? [] : (await run('sudo', ['-n', 'true'], process.env, 'ignore')) === 0 ? ['sudo'] : undefined;
  if (!sudo) {
    console.error(`The tests need ${missing.join(', ')}, which this machine lacks. Install them, then run npm test again:\n  ${aptInstallLine(packages)}`);
    return false;
  }
  console.log(`Installing the Debian packages the tests need: ${packages.join(' ')}`);
  const apt = (args: string[]) => run(sudo[0] ?? 'apt-get', [...(sudo.length ? ['apt-get'] : []), ...args], { ...process.env, DEBIAN_FRONTEND: 'noninteractive' });
  if ((await apt(['update'])) !== 0 || (await apt(['install', '-y', '--no-install-recommends', ...packages])) !== 0) {
    console.error(`Installing failed; install them by hand, then run npm test again:\n  ${aptInstallLine(packages)}`);
    return false;
  }
  return missingTools(tools).length === 0;
}

/** Runs a command to its end and answers its exit status (1 when it could not start or was killed). */
function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, stdio: 'inherit' | 'ignore' = 'inherit'): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: projectRoot, env, stdio });
    child.once('error', () => resolve(1));
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

async function readCounts(file: string): Promise<TestCounts> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const counts: TestCounts = { passed: 0, failed: 0, skipped: 0 };
  for (const line of text.split('\n').filter(Boolean)) {
    const pass = JSON.parse(line) as TestCounts;
    counts.passed += pass.passed;
    counts.failed += pass.failed;
    counts.skipped += pass.skipped;
  }
  return counts;
}

process.exitCode = await main();
