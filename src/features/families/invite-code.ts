import { createHmac, randomInt } from 'node:crypto';

/**
 * Invite codes are 15 random digits (log2(10^15) ≈ 49.8 bits). Digits are what every grandparent can type on
 * any phone keyboard, Chinese ones included, and have no look-alike letters (0/O, 1/l/I).
 */
export const INVITE_CODE_DIGITS = 15;

export function generateInviteCode(): string {
  let code = '';
  for (let i = 0; i < INVITE_CODE_DIGITS; i++) code += String(randomInt(10));
  return code;
}

/** "482 109 375 562 184": groups of three are easy to read aloud over the phone. */
export function formatInviteCode(code: string): string {
  return code.replace(/(\d{3})(?=\d)/g, '$1 ');
}

/** The code inside what a person typed (spaces, dashes, full-width digits allowed), or undefined. */
export function normaliseInviteCode(input: string): string | undefined {
  const digits = input.normalize('NFKC').replace(/[\s\-_.·]/g, '');
  return new RegExp(`^\\d{${INVITE_CODE_DIGITS}}$`).test(digits) ? digits : undefined;
}

/**
 * Only this hash is stored, so the database alone never hands out a working code. It is an HMAC under a key from
 * the deployment secret: 10^15 codes are few enough to hash them all in a GPU day, but not without the key.
 */
export function hashInviteCode(code: string, key: Buffer): string {
  return createHmac('sha256', key).update(code).digest('hex');
}
