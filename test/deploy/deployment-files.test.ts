import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { configVariableNames } from '../../src/config.js';
import { debianPackageOf } from '../../src/infra/system-tools.js';
import { projectRoot } from '../../src/paths.js';

/**
 * No container engine runs here, so the Dockerfile, docker-compose.yml, .env.example and the systemd unit are read
 * as a volunteer's machine would run them, and the facts a working deployment rests on are checked.
 */

const read = (file: string): string => readFileSync(path.join(projectRoot, file), 'utf8');

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** Instructions with continuation lines joined and comments dropped, split into stages at each FROM. */
function dockerStages(text: string): Instruction[][] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  const stages: Instruction[][] = [];
  for (const line of lines) {
    const [, keyword, args] = /^(\w+)\s+(.*)$/.exec(line)!;
    if (keyword!.toUpperCase() === 'FROM') stages.push([]);
    stages.at(-1)!.push({ keyword: keyword!.toUpperCase(), args: args! });
  }
  return stages;
}

/** The packages each `apt-get install` of a stage names. */
function aptPackages(stage: readonly Instruction[]): string[] {
  return stage
    .filter((instruction) => instruction.keyword === 'RUN')
    .flatMap((instruction) => [...instruction.args.matchAll(/apt-get install ([^&;]*)/g)].flatMap((match) => match[1]!.split(/\s+/)))
    .filter((word) => word && !word.startsWith('-'));
}

/** JSON-array ("exec form") arguments, or the words of the shell form. */
function argv(args: string): string[] {
  return args.trim().startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/);
}

const stages = dockerStages(read('Dockerfile'));
const runtime = stages.at(-1)!;
const runtimeEnv = new Map(runtime.filter((i) => i.keyword === 'ENV').flatMap((i) => [...i.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!] as const)));
const dataDir = runtimeEnv.get('KINBRIDGE_DATA_DIR');
const compose = parseYaml(read('docker-compose.yml')) as {
  services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string>; env_file?: string; volumes?: string[]; healthcheck?: { test: string[] }; depends_on?: Record<string, { condition: string }> }>;
  volumes: Record<string, unknown>;
};
const envExample = read('.env.example');
/** Names .env.example sets (`NAME=`) or documents commented out (`# NAME=`). */
const documented = new Set([...envExample.matchAll(/^(?:# )?([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]!));
const requiredInExample = new Set([...envExample.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]!));

describe('Dockerfile', () => {
  it('builds in one stage and runs in a later one, without development packages', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages[0]!;
    expect(build.some((i) => i.keyword === 'RUN' && /npm prune --omit=dev/.test(i.args))).toBe(true);
    expect(runtime.some((i) => i.keyword === 'COPY' && i.args.includes('--from=build'))).toBe(true);
    expect(runtime.some((i) => i.keyword === 'RUN' && /\bnpm (ci|install)\b/.test(i.args))).toBe(false);
  });

  it('installs in the runtime stage every program the code runs, and the pg_dump that backups need', () => {
    const packages = aptPackages(runtime);
    const runtimeTools = ['espeak-ng', 'ffmpeg', 'ffprobe'] as const;
    for (const tool of runtimeTools) expect(packages, tool).toContain(debianPackageOf[tool]);
    expect(packages).toContain('postgresql-client');
  });

  it('keeps the runtime image small: no recommends, no compilers or -dev packages, no apt lists left behind', () => {
    const packages = aptPackages(runtime);
    expect(packages.filter((name) => /-dev$|^build-essential$|^(gcc|g\+\+|make|cmake|python3?|git)$/.test(name))).toEqual([]);
    const installs = runtime.filter((i) => i.keyword === 'RUN' && i.args.includes('apt-get install'));
    for (const install of installs) {
      expect(install.args).toContain('--no-install-recommends');
      expect(install.args).toContain('rm -rf /var/lib/apt/lists/*');
    }
  });

  it('runs as a user other than root who owns the data directory, declared a volume after it was given to that user', () => {
    const user = runtime.filter((i) => i.keyword === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(dataDir).toMatch(/^\//);
    const volumeAt = runtime.findIndex((i) => i.keyword === 'VOLUME' && argv(i.args).includes(dataDir!));
    const chownAt = runtime.findIndex((i) => i.keyword === 'RUN' && new RegExp(`chown (-R )?${user}(:${user})? ${dataDir}\\b`).test(i.args));
    expect(volumeAt, 'VOLUME of the data directory').toBeGreaterThan(-1);
    expect(chownAt, 'chown of the data directory').toBeGreaterThan(-1);
    // Changes to a path after it is declared a volume are thrown away.
    expect(chownAt).toBeLessThan(volumeAt);
  });

  it('checks its health with the doctor and starts the bot', () => {
    const healthcheck = runtime.find((i) => i.keyword === 'HEALTHCHECK');
    expect(healthcheck?.args).toMatch(/CMD \["node", "--import", "tsx", "src\/cli\/kinbridge\.ts", "doctor", "--quick"\]/);
    expect(argv(runtime.filter((i) => i.keyword === 'CMD').at(-1)!.args)).toEqual(['node', '--import', 'tsx', 'src/main.ts']);
  });
});

describe('docker-compose.yml', () => {
  const { bot, postgres, redis } = compose.services;

  it('runs the bot, PostgreSQL and Redis, each keeping its data in a named volume', () => {
    expect(bot && postgres && redis).toBeTruthy();
    const mounts = (service: { volumes?: string[] }) => new Map((service.volumes ?? []).map((volume) => volume.split(':') as [string, string]).map(([source, target]) => [target, source]));
    for (const [service, target] of [[bot!, dataDir!], [postgres!, '/var/lib/postgresql/data'], [redis!, '/data']] as const) {
      const volume = mounts(service).get(target);
      expect(volume, target).toBeDefined();
      expect(Object.keys(compose.volumes)).toContain(volume);
    }
  });

  it('starts the bot only once PostgreSQL and Redis are healthy', () => {
    expect(postgres!.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(redis!.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(bot!.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
  });

  it('has Redis keep its data (append-only file) and never evict keys', () => {
    const command = redis!.command!.join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
  });

  it('runs a PostgreSQL no newer than the pg_dump in the bot image', () => {
    const debianRelease = /^node:\S*-(bookworm|trixie)/.exec(stages.at(-1)![0]!.args)?.[1];
    const clientMajor = { bookworm: 15, trixie: 17 }[debianRelease as 'bookworm' | 'trixie'];
    const serverMajor = Number(/^postgres:(\d+)/.exec(postgres!.image!)?.[1]);
    expect(serverMajor).toBeLessThanOrEqual(clientMajor);
  });

  it('points the bot at its services and its data volume, and takes every secret from .env', () => {
    const environment = bot!.environment!;
    expect(bot!.env_file).toBe('.env');
    expect(environment.KINBRIDGE_DATA_DIR).toBe(dataDir);
    expect(environment.DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(environment.REDIS_URL).toBe('redis://redis:6379');
    const interpolated = [...read('docker-compose.yml').matchAll(/\$\{(\w+)(:?[?-])/g)];
    for (const [, name, kind] of interpolated) {
      if (kind!.endsWith('?')) expect(requiredInExample, `${name} is required: .env.example must have a line for it`).toContain(name);
    }
    expect(interpolated.map((match) => match[1])).toEqual(expect.arrayContaining(['KINBRIDGE_SECRET', 'TELEGRAM_BOT_TOKEN', 'POSTGRES_PASSWORD']));
  });
});

describe('.env.example', () => {
  it('documents every variable the code reads that docker-compose.yml does not set', () => {
    const setByCompose = new Set(Object.keys(compose.services.bot!.environment!));
    expect(configVariableNames.filter((name) => !setByCompose.has(name) && !documented.has(name))).toEqual([]);
  });

  it('names no variable the code does not read (but the compose file\'s own)', () => {
    const known = new Set<string>([...configVariableNames, 'POSTGRES_PASSWORD']);
    expect([...documented].filter((name) => !known.has(name))).toEqual([]);
  });

  it('leaves every optional setting commented out: an empty value would count as set', () => {
    const empty = [...envExample.matchAll(/^([A-Z][A-Z0-9_]+)=$/gm)].map((match) => match[1]);
    expect(empty.sort()).toEqual(['KINBRIDGE_SECRET', 'POSTGRES_PASSWORD', 'TELEGRAM_BOT_TOKEN']);
  });
});

describe('systemd unit for a Debian machine', () => {
  const unit = read('deploy/kinbridge.service');
  const setting = (name: string): string[] => [...unit.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((match) => match[1]!);

  it('runs the bot as its own user, with the data directory systemd makes for it and the environment file', () => {
    expect(setting('User')).toEqual(['kinbridge']);
    expect(setting('StateDirectory')).toEqual(['kinbridge']);
    expect(setting('Environment').join(' ')).toContain('KINBRIDGE_DATA_DIR=/var/lib/kinbridge');
    expect(setting('EnvironmentFile')).toEqual(['/etc/kinbridge/kinbridge.env']);
    expect(setting('ExecStart')).toEqual(['/usr/bin/node --import tsx src/main.ts']);
  });

  it('is explained in the README with the Debian packages the image installs', () => {
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('## Run it on a Debian server'));
    expect(section).toContain('deploy/kinbridge.service');
    const installs = [...section.matchAll(/apt-get install -y ([^\n]+)/g)].flatMap((match) => match[1]!.split(/\s+/));
    for (const name of aptPackages(runtime)) expect(installs, name).toContain(name);
  });
});
