import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { OutboundMessage } from '../core/messages.js';

/** A stored payload whose real text is sealed: `text` is what may be kept, `sealedText` what is sent. */
interface SealedPayload {
  readonly text?: string;
  readonly sealedText?: string;
}

export class SealedTextError extends Error {
  override readonly name = 'SealedTextError';
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Messages that carry a secret (invite codes) say so with `textAfterSending`. Their outbox row keeps only that text in
 * clear; the real text is sealed with AES-256-GCM under a key from the deployment secret until it is sent, and the
 * sealed copy is dropped once it is sent or given up: neither a database dump nor a backup holds a working code.
 */
export class OutboxSealer {
  constructor(private readonly key: Buffer) {}

  /** The payload to store for `message` (already in its JSON form). */
  seal(payload: object): object {
    const { textAfterSending, text, ...rest } = payload as OutboundMessage & Record<string, unknown>;
    if (textAfterSending === undefined || text === undefined) return payload;
    return { ...rest, text: textAfterSending, sealedText: this.encrypt(text) };
  }

  /** The message to send from a stored payload. */
  open(payload: unknown): OutboundMessage {
    const { sealedText, ...rest } = payload as OutboundMessage & SealedPayload;
    return sealedText === undefined ? (rest as OutboundMessage) : { ...rest, text: this.decrypt(sealedText) };
  }

  /** The payload to keep once the message is out, when it differs from the stored one (the sealed text dropped). */
  settled(payload: unknown): object | undefined {
    const { sealedText, ...rest } = payload as SealedPayload & Record<string, unknown>;
    return sealedText === undefined ? undefined : rest;
  }

  private encrypt(text: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv);
    const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  private decrypt(sealed: string): string {
    const bytes = Buffer.from(sealed, 'base64');
    try {
      const decipher = createDecipheriv(ALGORITHM, this.key, bytes.subarray(0, IV_BYTES));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new SealedTextError('A sealed outbox text cannot be opened: was KINBRIDGE_SECRET changed?', { cause: error });
    }
  }
}
