import { randomBytes } from 'node:crypto';

/**
 * Every button of a question carries that question's one-time token after its choice id ("en#Xq3b_9Zk"), so a
 * button from an older question, another flow or another person can never answer this one, even when the choice
 * ids match ("yes" in two questions). 48 random bits; the whole id stays within Telegram's 64 bytes of callback data.
 */
const SEPARATOR = '#';

export function newQuestionToken(): string {
  return randomBytes(6).toString('base64url');
}

export function bindChoice(choiceId: string, token: string): string {
  return `${choiceId}${SEPARATOR}${token}`;
}

/** The choice id behind a tapped button and the token it carried (undefined: it carried none). */
export function unbindChoice(tapped: string): { readonly choiceId: string; readonly token: string | undefined } {
  const at = tapped.lastIndexOf(SEPARATOR);
  return at < 0 ? { choiceId: tapped, token: undefined } : { choiceId: tapped.slice(0, at), token: tapped.slice(at + 1) };
}
