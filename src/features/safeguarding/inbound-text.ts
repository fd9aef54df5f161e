import type { InboundContent } from '../../core/messages.js';

/** The words a person sent, wherever they are: a text, or the caption of a photo, video or album. */
export function wordsOf(content: InboundContent): string | undefined {
  switch (content.kind) {
    case 'text':
      return content.text;
    case 'photo':
    case 'video':
    case 'album':
      return content.caption;
    default:
      return undefined;
  }
}
