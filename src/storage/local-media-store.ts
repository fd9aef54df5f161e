import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MediaSource } from '../core/messages.js';
import { InvalidMediaKeyError, type MediaStore } from './media-store.js';

/** "ab/ab12…-….jpg": a random UUID (two hex digits as a folder, so no folder grows huge) and an extension. */
const KEY_PATTERN = /^[0-9a-f]{2}\/[0-9a-f-]{36}\.[a-z0-9]{1,5}$/;

/**
 * Media in a local directory, readable by the bot's user only. It must lie outside any path a web server
 * publishes: files are reached through the bot, never by URL.
 */
export class LocalMediaStore implements MediaStore {
  constructor(private readonly root: string) {}

  async put(bytes: Uint8Array, extension: string): Promise<string> {
    if (!/^\.[a-z0-9]{1,5}$/.test(extension)) throw new InvalidMediaKeyError(`Not a file extension: "${extension}"`);
    const id = randomUUID();
    const key = `${id.slice(0, 2)}/${id}${extension}`;
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, bytes, { mode: 0o600, flag: 'wx' });
    return key;
  }

  async read(key: string): Promise<Uint8Array> {
    return readFile(this.pathOf(key));
  }

  source(key: string, mimeType: string): MediaSource {
    return { kind: 'file', path: this.pathOf(key), fileName: path.basename(key), mimeType };
  }

  async delete(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(this.pathOf(key), { force: true })));
  }

  private pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new InvalidMediaKeyError(`Not a media key of this store: "${key}"`);
    return path.join(this.root, key);
  }
}
