import path from 'node:path';
import { CommandError } from '../coordinator-commands.js';
import { OPERATIONS_USAGE } from '../operations-usage.js';
import { parseOptions } from '../parse-options.js';

/** The one directory `backup` and `restore` take, made absolute; undefined once --help has printed the usage. */
export function directoryArgument(args: readonly string[], usage: string): string | undefined {
  const { values, positionals } = parseOptions(args, {}, true);
  if (values.help) {
    console.log(OPERATIONS_USAGE);
    return undefined;
  }
  if (positionals.length !== 1) throw new CommandError(`Usage: ${usage}`);
  return path.resolve(positionals[0]!);
}
