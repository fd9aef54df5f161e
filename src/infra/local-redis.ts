import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { machineTimeMs } from '../core/clock.js';
import { findFreePort } from './free-port.js';
import { findOnPath } from './system-tools.js';

/**
 * A throwaway Redis for machines without one: `redis-server` from the system, as our child, on a free
 * port, keeping nothing on disk, behind a generated password (any local user could otherwise connect to the
 * port and read every queued message). Production sets REDIS_URL instead.
 */

export interface LocalRedis {
  url: string;
  stop(): Promise<void>;
}

export class RedisNotInstalledError extends Error {
  override readonly name = 'RedisNotInstalledError';
  constructor() {
    super(
      'redis-server is not installed. Install it with: sudo apt-get install -y redis-server\n' +
        'Or set REDIS_URL to a Redis server you already run (e.g. REDIS_URL=redis://127.0.0.1:6379).',
    );
  }
}

export class LocalRedisError extends Error {
  override readonly name = 'LocalRedisError';
}

const START_TIMEOUT_MS = 10_000;

/**
 * Runs redis-server under a tiny shell that holds our end of a stdin pipe: when this process dies
 * for any reason, even SIGKILL, the pipe closes, `read` returns and the shell kills redis-server.
 * Node has no "kill my child when I die" option, and exit handlers do not run on SIGKILL.
 */
const WATCHDOG_SCRIPT = [
  'exec 3<&0', // keep the pipe: background jobs get /dev/null as stdin
  '"$0" "$@" </dev/null 3<&- &',
  'pid=$!',
  '{ read -r _ <&3; kill "$pid" 2>/dev/null; } &',
  'wait "$pid"',
].join('\n');

/**
 * `port` and `password`: fixed ones, so a stopped server can be started again at the same address, and clients
 * holding its URL reconnect (the fault suite restarts it). The URL carries the password.
 * `settings`: more redis-server arguments after ours, which they override (a test needing a Redis that keeps data).
 */
export async function startLocalRedis({
  port: fixedPort,
  password = randomBytes(24).toString('hex'),
  settings = [],
}: { port?: number; password?: string; settings?: readonly string[] } = {}): Promise<LocalRedis> {
  const redisServer = findOnPath('redis-server');
  if (!redisServer) throw new RedisNotInstalledError();

  const port = fixedPort ?? (await findFreePort());
  // The password goes in a file only we can read, never on the command line, where `ps` shows it to everyone.
  const configDir = mkdtempSync(path.join(tmpdir(), 'kinbridge-redis-'));
  const configFile = path.join(configDir, 'redis.conf');
  writeFileSync(configFile, `requirepass ${password}\n`, { mode: 0o600 });
  const child = spawn(
    '/bin/sh',
    ['-c', WATCHDOG_SCRIPT, redisServer, configFile, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...settings],
    { stdio: ['pipe', 'pipe', 'pipe'], env: withoutFakeTime(process.env) },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The watchdog's reader outlives a redis-server that quit by itself; closing the pipe ends it.
  void exited.then(() => child.stdin.destroy());
  // Nothing of ours should keep the event loop alive: the watchdog cleans up on exit anyway.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as net.Socket).unref();

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.ref(); // unref'd above: without this the process could end before we see the exit
      child.stdin.end();
      await exited;
    }
  };

  try {
    await waitForPong(port, password, exited);
  } catch (error) {
    await stop();
    throw new LocalRedisError(`redis-server did not start on port ${port}: ${(error as Error).message}\n${output}`, {
      cause: error,
    });
  } finally {
    // Read at start-up; nothing needs the file afterwards.
    rmSync(configDir, { recursive: true, force: true });
  }
  return { url: `redis://:${password}@127.0.0.1:${port}`, stop };
}

async function waitForPong(port: number, password: string, exited: Promise<void>): Promise<void> {
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const deadline = machineTimeMs() + START_TIMEOUT_MS;
  while (machineTimeMs() < deadline) {
    if (hasExited) throw new Error('it exited');
    if (await answersPing(port, password)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no PONG within ${START_TIMEOUT_MS} ms`);
}

function answersPing(port: number, password: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write(`AUTH ${password}\r\nPING\r\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      const lines = reply.split('\r\n');
      if (lines.length > 2) finish(lines[0] === '+OK' && lines[1] === '+PONG');
      else if (reply.startsWith('-')) finish(false);
    });
  });
}

/**
 * Under libfaketime (the test runner's time-travel passes) redis-server breaks, and a Redis is a server of the machine,
 * which keeps the machine's time like the shared one: it starts without the preload.
 */
function withoutFakeTime(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => name !== 'LD_PRELOAD' && !name.startsWith('FAKETIME')));
}
