import { parseArgs } from 'node:util';
import { CommandError } from './coordinator-commands.js';

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

export function parseOptions<T extends OptionSpec>(args: readonly string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: [...args], options: { ...options, ...HELP_OPTION }, allowPositionals, strict: true, tokens: true });
  } catch (error) {
    // node:util's messages are clear ("Unknown option '--foo'"); only the stack trace has to go.
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw new CommandError((error as Error).message);
    throw error;
  }
}
