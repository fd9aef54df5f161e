import type { MediaRef } from './messages.js';

/** Fetches the bytes of a file a person sent, from the platform that holds it. */
export interface MediaFetcher {
  /** Refuses (MediaTooLargeError) as soon as the file proves larger than `maxBytes`, without reading the rest. */
  fetch(ref: MediaRef, options: { readonly maxBytes: number }): Promise<Uint8Array>;
}

/** The file is larger than the caller accepts. */
export class MediaTooLargeError extends Error {
  override readonly name = 'MediaTooLargeError';
  constructor(
    readonly sizeBytes: number,
    readonly maxBytes: number,
  ) {
    super(`File is ${sizeBytes} bytes (or more), at most ${maxBytes} are accepted`);
  }
}

/** The platform no longer has the file, refuses to hand it out, or the channel cannot fetch files at all. */
export class MediaUnavailableError extends Error {
  override readonly name = 'MediaUnavailableError';
}

/** Reads a response body, giving up once it grows past `maxBytes` (a lying or absent content-length is not trusted). */
export async function readLimited(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new MediaTooLargeError(declared, maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body ?? []) {
    total += chunk.length;
    if (total > maxBytes) throw new MediaTooLargeError(total, maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
