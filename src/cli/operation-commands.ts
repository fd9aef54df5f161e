import { doctorCommand } from './doctor/doctor-command.js';

/**
 * The commands that look after a deployment rather than its families: each parses its own arguments, opens what it
 * needs (and nothing more: `doctor` must see an unmigrated database as it is) and returns the exit code.
 */
export const operationCommands: ReadonlyMap<string, (args: readonly string[]) => Promise<number>> = new Map([
  ['doctor', doctorCommand],
]);

export const OPERATIONS_USAGE = `Looking after a deployment:
  doctor [--quick]
      Check everything the bot needs — database, Redis, channels, voice tools, data directory, secrets, clock —
      and print a fix for each problem. Exits 1 when something must be fixed. --quick skips the checks
      that call Telegram or concern backups (the container's health check uses it).`;
