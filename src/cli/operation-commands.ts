import { backupCommand } from './backup/backup-command.js';
import { restoreCommand } from './backup/restore-command.js';
import { doctorCommand } from './doctor/doctor-command.js';

/**
 * The commands that look after a deployment rather than its families: each parses its own arguments, opens what it
 * needs (and nothing more: `doctor` must see an unmigrated database as it is) and returns the exit code.
 */
export const operationCommands: ReadonlyMap<string, (args: readonly string[]) => Promise<number>> = new Map([
  ['doctor', doctorCommand],
  ['backup', backupCommand],
  ['restore', restoreCommand],
]);
