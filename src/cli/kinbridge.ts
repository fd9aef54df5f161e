import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { DateTime } from 'luxon';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { machineTimeMs, systemClock } from '../core/clock.js';
import type { NewChild } from '../features/families/families.js';
import { formatInviteCode } from '../features/families/invite-code.js';
import type { IssuedInvite } from '../features/families/invites.js';
import { loadDeploymentSecret } from '../infra/deployment-secret.js';
import { deploymentPaths } from '../infra/deployment-paths.js';
import { MessageTemplates, TemplateConfigError } from '../messaging/message-templates.js';
import { defaultMessageTemplatesFile, projectRoot } from '../paths.js';
import { describeTemplates } from './whatsapp-templates.js';
import { applyMigrations } from '../storage/migrate.js';
import { createPrismaClient } from '../storage/prisma.js';
import { connectDatabase } from './database-connection.js';
import { operationCommands } from './operation-commands.js';
import { OPERATIONS_USAGE } from './operations-usage.js';
import { parseOptions } from './parse-options.js';
import { CLI_PERSON_ID, CLI_PERSON_NAME, CommandError, CoordinatorCommands, parseFamilyRole, validateNewFamily } from './coordinator-commands.js';

/**
 * `npm run cli -- <command>`: the coordinators' tool for cohorts, coordinator invites, families and family
 * invites. Parses arguments, connects, prints; the work itself is in coordinator-commands.ts.
 */

const USAGE = `Kinbridge coordinators' tool.  Run as:  npm run cli -- <command> [options]

Commands:
  cohort create <name>
      Create a cohort (the families one coordinating team looks after). Names are unique.

  coordinator invite --cohort <name>
      Issue a single-use invite that makes whoever redeems it a coordinator of the cohort.

  family create --cohort <name> --name <family name>
                --child <name> --birth YYYY-MM-DD [--class <class>] [--kindergarten <name>]
                [--child <name> --birth YYYY-MM-DD ...]      (repeat the group for each child)
                [--coordinator <person id>]
      Create a family and issue one single-use invite per role: parent, caregiver, teacher.
      --birth, --class and --kindergarten belong to the --child before them.
      The family is created by --coordinator, a person who already coordinates the cohort and
      becomes the family's coordinator member. Without --coordinator it is created by the
      system person "${CLI_PERSON_NAME}" (id ${CLI_PERSON_ID}),
      which is made a coordinator of the cohort for this and shows as the family's coordinator.
      It has no chat account: nobody can talk as it, and it never receives messages.

  broadcast --cohort <name> [--cohort <name> ...] --text <text> [--text <lang>=<text> ...]
            [--role parent|caregiver|teacher ...] [--lang <lang> ...]
            [--photo <file> | --voice <file.ogg>] [--at "YYYY-MM-DD HH:mm"] [--no-wait]
      Send an announcement to the people of the cohorts (all roles and languages unless narrowed).
      A plain --text is in DEFAULT_LOCALE; add translations as --text en="...". Each person gets
      their language, after their quiet hours. The running bot (npm start) sends it: this tool
      writes it and shows a progress bar until every copy is delivered, failed or blocked
      (--no-wait returns at once). --at schedules it on DEFAULT_TIME_ZONE's clock.

  invite --family <family id or name> --role parent|caregiver|teacher
      Issue a fresh single-use invite for an existing family (e.g. after one expired). When two
      families share the name, it lists their ids to choose from.

  whatsapp templates [--file <yaml>]
      Print the WhatsApp message templates this deployment must register in WhatsApp Manager
      (name, category, language, body and what fills each variable), from
      config/whatsapp-templates.yaml. Outside the 24-hour window only these can be sent.

  help
      Show this text.

${OPERATIONS_USAGE}

Whoever gets an invite sends  /start <code>  to the Kinbridge bot (or types the code when the
bot asks for it). Invites expire after INVITE_TTL_HOURS (72 by default) and work once.

Database: DATABASE_URL when set; otherwise the embedded PostgreSQL in KINBRIDGE_DATA_DIR
(.kinbridge under the project) that \`npm start\` uses, also while the bot is running.
Redis is not needed: the tool issues invites but never redeems them.

Exit codes: 0 done, 1 unknown command or failure, 2 invalid input (unknown cohort, bad date, ...).`;

type Parsed =
  | { readonly kind: 'help' }
  /** Needs no database. */
  | { readonly kind: 'print'; readonly print: () => string }
  | { readonly kind: 'unknown'; readonly command: string }
  | { readonly kind: 'run'; readonly run: (commands: CoordinatorCommands, config: Config) => Promise<string> };

/** Turns the arguments into something to run; throws CommandError for malformed ones, before anything connects. */
function parseCommandLine(argv: readonly string[]): Parsed {
  const [first, second, ...rest] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') return { kind: 'help' };
  const command = `${first} ${second ?? ''}`.trim();

  if (command === 'cohort create') {
    const { values, positionals } = parseOptions(rest, {}, true);
    if (values.help) return { kind: 'help' };
    if (positionals.length !== 1) throw new CommandError('Usage: cohort create <name>  (quote a name with spaces: "Spring 2025")');
    const name = positionals[0]!;
    return {
      kind: 'run',
      run: async (commands) => {
        const cohort = await commands.createCohort(name);
        return `Cohort "${cohort.name}" created (id ${cohort.id}).\nNext: npm run cli -- coordinator invite --cohort ${shellQuote(cohort.name)}`;
      },
    };
  }

  if (command === 'coordinator invite') {
    const { values } = parseOptions(rest, { cohort: { type: 'string' } });
    if (values.help) return { kind: 'help' };
    const cohortName = required(values.cohort, '--cohort <name>');
    return {
      kind: 'run',
      run: async (commands, config) => {
        const { cohort, invite } = await commands.inviteCoordinator(cohortName);
        return [
          `Coordinator invite for cohort "${cohort.name}":`,
          '',
          `  ${formatInviteCode(invite.code)}`,
          '',
          `Works once; expires ${formatExpiry(invite.expiresAt, config)}.`,
          `The new coordinator sends this to the Kinbridge bot:  /start ${formatInviteCode(invite.code)}`,
        ].join('\n');
      },
    };
  }

  if (command === 'family create') {
    const options = {
      cohort: { type: 'string' },
      name: { type: 'string' },
      coordinator: { type: 'string' },
      child: { type: 'string', multiple: true },
      birth: { type: 'string', multiple: true },
      class: { type: 'string', multiple: true },
      kindergarten: { type: 'string', multiple: true },
    } as const;
    const { values, tokens } = parseOptions(rest, options);
    if (values.help) return { kind: 'help' };
    const input = {
      cohort: required(values.cohort, '--cohort <name>'),
      name: required(values.name, '--name <family name>'),
      coordinatorId: values.coordinator,
      children: childrenFrom(tokens),
    };
    // Bad dates and names are reported before any database is started.
    validateNewFamily(input, systemClock.now());
    return {
      kind: 'run',
      run: async (commands, config) => {
        const created = await commands.createFamily(input);
        const children = created.children.map((child) => `${child.name} (born ${child.birthDate}${child.className ? `, class ${child.className}` : ''}${child.kindergarten ? `, ${child.kindergarten}` : ''})`);
        return [
          `Family "${created.familyName}" created in cohort "${created.cohort.name}" (family id ${created.familyId}).`,
          `Children: ${children.join('; ')}`,
          `Coordinator: ${created.coordinator.displayName} (${created.coordinator.id})`,
          '',
          ...inviteLines(created.invites),
          '',
          `Each invite works once; they expire ${formatExpiry(created.invites[0]!.expiresAt, config)}.`,
          'Give each person the code for their role; they send  /start <code>  to the Kinbridge bot.',
          `A new code later: npm run cli -- invite --family ${created.familyId} --role <role>`,
        ].join('\n');
      },
    };
  }

  if (first === 'broadcast') {
    const options = {
      cohort: { type: 'string', multiple: true },
      text: { type: 'string', multiple: true },
      role: { type: 'string', multiple: true },
      lang: { type: 'string', multiple: true },
      photo: { type: 'string' },
      voice: { type: 'string' },
      at: { type: 'string' },
      'no-wait': { type: 'boolean' },
    } as const;
    const { values } = parseOptions(argv.slice(1), options);
    if (values.help) return { kind: 'help' };
    const draft = parseBroadcastOptions(values);
    return {
      kind: 'run',
      run: async (commands, config) => {
        const input = { ...draft, texts: textsByLocale(values.text ?? [], config.DEFAULT_LOCALE), ...scheduleAt(values.at, config) };
        const created = await commands.createBroadcast(input);
        const reach = `${created.recipients} people (${Object.entries(created.byLocale).map(([locale, n]) => `${locale} ${n}`).join(', ') || 'nobody'})`;
        if (input.at) return `Broadcast ${created.id} scheduled for ${formatExpiry(input.at, config)}, to ${reach}.`;
        if (values['no-wait'] || created.recipients === 0) return `Broadcast ${created.id} written for ${reach}; the running bot sends it.`;
        const report = await watchBroadcast(commands, created.id, created.recipients);
        return `Broadcast ${created.id} to ${reach}: ${report.delivered} delivered, ${report.failed} failed, ${report.blocked} blocked the bot, ${report.optedOut} opted out.`;
      },
    };
  }

  if (command === 'whatsapp templates') {
    const { values } = parseOptions(rest, { file: { type: 'string' } });
    if (values.help) return { kind: 'help' };
    const file = values.file ? path.resolve(values.file) : defaultMessageTemplatesFile;
    return { kind: 'print', print: () => describeTemplates(MessageTemplates.load(file), file) };
  }

  if (first === 'invite') {
    const { values } = parseOptions(argv.slice(1), { family: { type: 'string' }, role: { type: 'string' } });
    if (values.help) return { kind: 'help' };
    const familyRef = required(values.family, '--family <family id or name>');
    const role = parseFamilyRole(required(values.role, '--role parent|caregiver|teacher'));
    return {
      kind: 'run',
      run: async (commands, config) => {
        const { family, invite } = await commands.inviteToFamily(familyRef, role);
        return [
          `New ${invite.role} invite for family "${family.name}":`,
          '',
          `  ${formatInviteCode(invite.code)}`,
          '',
          `Works once; expires ${formatExpiry(invite.expiresAt, config)}.`,
          `They send this to the Kinbridge bot:  /start ${formatInviteCode(invite.code)}`,
        ].join('\n');
      },
    };
  }

  return { kind: 'unknown', command: first };
}

function parseBroadcastOptions(values: { cohort?: string[]; role?: string[]; lang?: string[]; photo?: string; voice?: string }) {
  const cohorts = values.cohort ?? [];
  if (cohorts.length === 0) throw new CommandError('Name at least one cohort: --cohort <name>');
  if (values.photo && values.voice) throw new CommandError('Attach a photo or a voice note, not both');
  const file = values.photo ?? values.voice;
  if (file && !existsSync(file)) throw new CommandError(`No file "${file}"`);
  return {
    cohorts,
    roles: (values.role ?? []).map(parseFamilyRole),
    locales: values.lang ?? [],
    ...(file ? { media: { kind: values.photo ? ('photo' as const) : ('voice' as const), path: path.resolve(file) } } : {}),
  };
}

/** "--text hello" is in the default language; "--text en=hello" names its language. */
function textsByLocale(texts: readonly string[], defaultLocale: string): Record<string, string> {
  if (texts.length === 0) throw new CommandError('Write the announcement: --text "..."');
  return Object.fromEntries(
    texts.map((text) => {
      const named = /^([a-z]{2,3}(?:-[A-Za-z]{2,4})?)=([\s\S]+)$/.exec(text);
      return named ? [named[1]!, named[2]!] : [defaultLocale, text];
    }),
  );
}

function scheduleAt(at: string | undefined, config: Config): { at?: Date } {
  if (!at) return {};
  const parsed = DateTime.fromFormat(at.trim(), 'yyyy-MM-dd HH:mm', { zone: config.DEFAULT_TIME_ZONE });
  if (!parsed.isValid || parsed.toMillis() <= systemClock.now().getTime()) throw new CommandError(`--at wants a future "YYYY-MM-DD HH:mm" on ${config.DEFAULT_TIME_ZONE}'s clock, not "${at}"`);
  return { at: parsed.toJSDate() };
}

/** Draws progress until every copy is delivered, failed or blocked; the bot does the sending. */
async function watchBroadcast(commands: CoordinatorCommands, id: string, recipients: number) {
  const bar = new SingleBar({ format: 'Sending [{bar}] {value}/{total} {note}', stream: process.stderr, noTTYOutput: true, notTTYSchedule: 1_000 }, Presets.shades_classic);
  bar.start(recipients, 0, { note: '' });
  const started = machineTimeMs();
  for (;;) {
    const report = await commands.broadcastReport(id);
    const done = report.delivered + report.failed + report.blocked;
    const waiting = done === 0 && machineTimeMs() - started > 15_000 ? '(waiting for the bot: is npm start running?)' : '';
    bar.update(done, { note: waiting });
    if (report.status === 'done') {
      bar.stop();
      return report;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function required(value: string | undefined, what: string): string {
  if (value === undefined) throw new CommandError(`Missing ${what}`);
  return value;
}

type Token = ReturnType<typeof parseArgs>['tokens'] extends (infer T)[] | undefined ? T : never;

/** --child starts a child; the --birth, --class and --kindergarten after it belong to it. */
function childrenFrom(tokens: readonly Token[] | undefined): NewChild[] {
  const children: { name: string; birthDate?: string; className?: string; kindergarten?: string }[] = [];
  const fields = { birth: 'birthDate', class: 'className', kindergarten: 'kindergarten' } as const;
  for (const token of tokens ?? []) {
    if (token.kind !== 'option' || token.value === undefined) continue;
    if (token.name === 'child') {
      children.push({ name: token.value });
    } else if (token.name === 'birth' || token.name === 'class' || token.name === 'kindergarten') {
      const child = children.at(-1);
      if (!child) throw new CommandError(`--${token.name} must come after the --child it belongs to`);
      const field = fields[token.name];
      if (child[field] !== undefined) throw new CommandError(`--${token.name} given twice for child "${child.name}"`);
      child[field] = token.value;
    }
  }
  if (children.length === 0) throw new CommandError('Missing --child <name> --birth YYYY-MM-DD (at least one child)');
  return children.map((child) => {
    if (child.birthDate === undefined) throw new CommandError(`Missing --birth YYYY-MM-DD for child "${child.name}"`);
    return { name: child.name, birthDate: child.birthDate, className: child.className ?? null, kindergarten: child.kindergarten ?? null };
  });
}

function inviteLines(invites: readonly IssuedInvite[]): string[] {
  const width = Math.max(...invites.map((invite) => invite.role.length));
  return invites.map((invite) => `  ${invite.role.padEnd(width)}  ${formatInviteCode(invite.code)}`);
}

/** In the bot's default time zone, where the coordinators are: "2025-01-04 18:00 Asia/Shanghai (UTC+08:00), in 72 hours". */
function formatExpiry(instant: Date, config: Config): string {
  let local = DateTime.fromJSDate(instant).setZone(config.DEFAULT_TIME_ZONE);
  if (!local.isValid) local = DateTime.fromJSDate(instant).toUTC();
  const hours = Math.round((instant.getTime() - systemClock.now().getTime()) / 3_600_000);
  return `${local.toFormat('yyyy-MM-dd HH:mm')} ${local.zoneName} (UTC${local.toFormat('ZZ')}), in ${hours} hours`;
}

function shellQuote(text: string): string {
  return /^[\w.-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A refusal of an operation (a backup onto used ground, say) is its whole answer: no pointer to the coordinators' help. */
async function runOperation(operation: (args: readonly string[]) => Promise<number>, args: readonly string[]): Promise<number> {
  try {
    return await operation(args);
  } catch (error) {
    if (!(error instanceof CommandError || error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 2;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed: Parsed;
  let config: Config;
  const operation = operationCommands.get(argv[0] ?? '');
  if (operation) return runOperation(operation, argv.slice(1));
  try {
    parsed = parseCommandLine(argv);
    if (parsed.kind === 'help') {
      console.log(USAGE);
      return 0;
    }
    if (parsed.kind === 'print') {
      console.log(parsed.print());
      return 0;
    }
    if (parsed.kind === 'unknown') {
      console.error(`Unknown command "${argv.join(' ')}".\n\n${USAGE}`);
      return 1;
    }
    config = loadConfig();
  } catch (error) {
    if (error instanceof CommandError) {
      console.error(`${error.message}  (npm run cli -- help)`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof TemplateConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }

  const connection = await connectDatabase(config);
  try {
    const { applied } = await applyMigrations({ databaseUrl: connection.url });
    if (applied.length > 0) console.error(`Applied migrations: ${applied.join(', ')}`);
    const db = createPrismaClient(connection.url);
    try {
      const output = await parsed.run(new CoordinatorCommands(db, {
        inviteTtlHours: config.INVITE_TTL_HOURS,
        secret: loadDeploymentSecret(config.KINBRIDGE_SECRET, path.resolve(projectRoot, config.KINBRIDGE_DATA_DIR)),
        mediaDir: deploymentPaths(config).mediaDir,
      }), config);
      console.log(`${output}\n\nDatabase: ${connection.description}`);
      return 0;
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      console.error(error.message);
      return 2;
    } finally {
      await db.$disconnect();
    }
  } finally {
    await connection.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  },
);
