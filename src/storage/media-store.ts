import type { MediaSource } from '../core/messages.js';

/**
 * Where the bytes of photos, videos and voice notes live. Keys are made by the store; a key never names a
 * place outside it. The local directory is the default; an S3-compatible store can implement the same.
 */
export interface MediaStore {
  /** Keeps `bytes` and returns their key; `extension` (".jpg") helps people and players that look at names. */
  put(bytes: Uint8Array, extension: string): Promise<string>;
  read(key: string): Promise<Uint8Array>;
  /** How the outbox refers to the file when sending it (never the bytes: outbox rows outlive memory). */
  source(key: string, mimeType: string): MediaSource;
  /** Deletes the files; a key already gone is fine, so a repeated deletion finishes the work of a failed one. */
  delete(keys: readonly string[]): Promise<void>;
}

export class InvalidMediaKeyError extends Error {
  override readonly name = 'InvalidMediaKeyError';
}
