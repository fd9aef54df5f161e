import type { AlbumPart, InboundContent, InboundMessage } from '../../core/messages.js';

interface PendingAlbum {
  readonly parts: InboundMessage[];
  timer: NodeJS.Timeout;
}

/**
 * Telegram delivers an album as one update per photo or video, sharing a media_group_id and carrying no count.
 * The parts are held until none has arrived for `quietMs`, then handed on as one `album` message, so the
 * person is asked about it once and parents receive it as one album.
 */
export class AlbumCollector {
  private readonly pending = new Map<string, PendingAlbum>();

  constructor(
    private readonly quietMs: number,
    private readonly emit: (message: InboundMessage) => void,
  ) {}

  add(albumId: string, part: InboundMessage): void {
    const key = `${part.chatId}:${albumId}`;
    const album = this.pending.get(key);
    if (album) {
      clearTimeout(album.timer);
      album.parts.push(part);
      album.timer = this.schedule(key);
    } else {
      this.pending.set(key, { parts: [part], timer: this.schedule(key) });
    }
  }

  /** Hands on every album held so far (on stop, so nothing received is lost). */
  flushAll(): void {
    for (const key of [...this.pending.keys()]) this.flush(key);
  }

  private schedule(key: string): NodeJS.Timeout {
    return setTimeout(() => this.flush(key), this.quietMs);
  }

  private flush(key: string): void {
    const album = this.pending.get(key);
    if (!album) return;
    clearTimeout(album.timer);
    this.pending.delete(key);
    this.emit(joinParts(album.parts));
  }
}

/** One message for the whole album; a single part stays what it was. Anything not photo or video is dropped. */
export function joinParts(parts: readonly InboundMessage[]): InboundMessage {
  const first = parts[0]!;
  if (parts.length === 1) return first;
  const items: AlbumPart[] = [];
  let caption: string | undefined;
  for (const { content } of parts) {
    if (content.kind !== 'photo' && content.kind !== 'video') continue;
    items.push({ kind: content.kind, media: content.media });
    caption ??= content.caption;
  }
  const album: InboundContent = { kind: 'album', items, ...(caption !== undefined ? { caption } : {}) };
  return { ...first, content: album };
}
