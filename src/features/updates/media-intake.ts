import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { MediaTooLargeError, MediaUnavailableError, type MediaFetcher } from '../../core/media-fetcher.js';
import type { MediaRef } from '../../core/messages.js';
import type { MediaStore } from '../../storage/media-store.js';
import type { MediaKind } from '../../storage/generated/enums.js';
import { withoutAudioVideoMetadata } from './media-metadata.js';

/** The largest file of each kind the bot keeps, in bytes. */
export type MediaLimits = Readonly<Record<MediaKind, number>>;

const MB = 1024 * 1024;
export const DEFAULT_MEDIA_LIMITS: MediaLimits = { photo: 10 * MB, video: 20 * MB, voice: 10 * MB };

/** What each kind may be, told by the bytes themselves (a sender's or platform's claim is not trusted). */
const ACCEPTED_TYPES: Readonly<Record<MediaKind, readonly string[]>> = {
  photo: ['image/jpeg', 'image/png', 'image/webp'],
  video: ['video/mp4', 'video/quicktime', 'video/webm'],
  voice: ['audio/ogg', 'audio/ogg; codecs=opus', 'audio/opus', 'audio/mpeg', 'audio/mp4', 'audio/x-m4a', 'audio/aac', 'audio/wav', 'audio/webm'],
};

export type RejectionReason = 'too_large' | 'unsupported' | 'unavailable';

/** A file the bot will not keep, with the reason the sender is told. */
export class MediaRejectedError extends Error {
  override readonly name = 'MediaRejectedError';
  constructor(
    readonly reason: RejectionReason,
    readonly kind: MediaKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Runs `work`, handing back a refused file as a value so the flow can say why. */
export async function rejectionAware<T>(work: () => Promise<T>): Promise<T | MediaRejectedError> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof MediaRejectedError) return error;
    throw error;
  }
}

export interface StoredMedia {
  readonly kind: MediaKind;
  readonly storageKey: string;
  readonly mimeType: string;
  readonly sizeBytes: number;
}

/**
 * Brings a file a person sent into the media store: fetched from its platform within the size limit, its type
 * checked from its bytes, and cleaned of metadata (photos re-encoded by sharp, videos and voice notes rewritten by
 * ffmpeg), so no EXIF GPS or MP4 location is ever stored or relayed.
 */
export class MediaIntake {
  constructor(
    private readonly fetcher: MediaFetcher,
    private readonly store: MediaStore,
    private readonly limits: MediaLimits = DEFAULT_MEDIA_LIMITS,
  ) {}

  /** The limit for a kind in megabytes (one decimal), for messages to people. */
  limitMb(kind: MediaKind): number {
    return Math.round((this.limits[kind] / MB) * 10) / 10;
  }

  /** Checks what the platform said about a file before anything is downloaded. */
  precheck(kind: MediaKind, ref: MediaRef): void {
    if (ref.sizeBytes !== undefined && ref.sizeBytes > this.limits[kind]) {
      throw new MediaRejectedError('too_large', kind, `${kind} of ${ref.sizeBytes} bytes is over the limit of ${this.limits[kind]}`);
    }
  }

  async take(kind: MediaKind, ref: MediaRef): Promise<StoredMedia> {
    this.precheck(kind, ref);
    return this.keep(kind, await this.fetch(kind, ref));
  }

  /** Checks, cleans and stores bytes already at hand (a file an operator names on the command line). */
  async keep(kind: MediaKind, bytes: Uint8Array): Promise<StoredMedia> {
    if (bytes.length > this.limits[kind]) throw new MediaRejectedError('too_large', kind, `${kind} of ${bytes.length} bytes is over the limit of ${this.limits[kind]}`);
    const detected = await fileTypeFromBuffer(bytes);
    if (!detected || !ACCEPTED_TYPES[kind].includes(detected.mime)) {
      throw new MediaRejectedError('unsupported', kind, `A ${kind} must be one of ${ACCEPTED_TYPES[kind].join(', ')}; got ${detected?.mime ?? 'unknown bytes'}`);
    }
    const kept = kind === 'photo' ? await withoutMetadata(bytes) : await withoutStreamMetadata(kind, bytes, detected.ext);
    if (kept.length > this.limits[kind]) throw new MediaRejectedError('too_large', kind, `${kind} grew to ${kept.length} bytes when cleaned`);
    const storageKey = await this.store.put(kept, `.${detected.ext}`);
    return { kind, storageKey, mimeType: detected.mime.split(';')[0]!, sizeBytes: kept.length };
  }

  private async fetch(kind: MediaKind, ref: MediaRef): Promise<Uint8Array> {
    try {
      return await this.fetcher.fetch(ref, { maxBytes: this.limits[kind] });
    } catch (error) {
      if (error instanceof MediaTooLargeError) throw new MediaRejectedError('too_large', kind, error.message, { cause: error });
      if (error instanceof MediaUnavailableError) throw new MediaRejectedError('unavailable', kind, error.message, { cause: error });
      throw error;
    }
  }
}

/**
 * Re-encodes a photo in its own format: sharp keeps no EXIF, XMP or IPTC unless asked to, so GPS position,
 * camera serials and the like are gone. It is turned upright first, as the dropped EXIF orientation said.
 */
async function withoutMetadata(bytes: Uint8Array): Promise<Uint8Array> {
  try {
    return await sharp(bytes).rotate().toBuffer();
  } catch (error) {
    throw new MediaRejectedError('unsupported', 'photo', 'The photo could not be read', { cause: error });
  }
}

/** A video or voice note the cleaner cannot read is refused like any other file that is not what it claims. */
async function withoutStreamMetadata(kind: MediaKind, bytes: Uint8Array, extension: string): Promise<Uint8Array> {
  try {
    return await withoutAudioVideoMetadata(bytes, extension);
  } catch (error) {
    throw new MediaRejectedError('unsupported', kind, `The ${kind} could not be cleaned of metadata`, { cause: error });
  }
}
