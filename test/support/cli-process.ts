import { execFile } from 'node:child_process';
import { projectRoot } from '../../src/paths.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `npm run cli -- <args>` as its own process, with exactly `env` (no inherited variables, so no test's DATABASE_URL or
 * libfaketime leaks in). `wrapper` goes in front of node (e.g. faketime); node is named by its full path, so PATH
 * may leave tools out on purpose.
 */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, wrapper: readonly string[] = []): Promise<CliResult> {
  const command = [...wrapper, process.execPath, '--import', 'tsx', 'src/cli/kinbridge.ts', ...args];
  return new Promise((resolve) => {
    execFile(command[0]!, command.slice(1), { cwd: projectRoot, env, timeout: 90_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

/** The parts of the caller's environment a child process needs to run at all, without the test run's settings. */
export function baseEnvironment(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };
}
