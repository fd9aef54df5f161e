import { pino, type Logger } from 'pino';

export type { Logger };

/** Fields that hold secrets wherever they appear in a log object. */
const SECRET_PATHS = ['token', '*.token', 'secret', '*.secret', 'password', '*.password', 'secretToken', '*.secretToken', 'headers.authorization', 'headers["x-telegram-bot-api-secret-token"]'];

/**
 * Secrets inside text: a Telegram bot token (in grammY's HttpError URLs, `/bot<token>/getMe`), credentials in a
 * URL (`redis://:pass@host`), and query parameters named like secrets.
 */
const SECRET_TEXT: readonly [RegExp, string][] = [
  [/\d{5,}:[A-Za-z0-9_-]{30,}/g, '[redacted-token]'],
  [/(\/\/[^/\s:@"]*:)[^@\s/"]+@/g, '$1[redacted]@'],
  [/([?&](?:token|secret|password|key)=)[^&\s"]+/gi, '$1[redacted]'],
];

export function redactSecrets(line: string): string {
  return SECRET_TEXT.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), line);
}

/**
 * pino to stderr/stdout or `destination`, with secrets removed from every line: known fields by `redact`, and tokens
 * in any text (messages, error messages and stacks included) as the line is written.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const target = destination ?? pino.destination(1);
  return pino({ level, redact: { paths: SECRET_PATHS, censor: '[redacted]' } }, { write: (line: string) => target.write(redactSecrets(line)) });
}
