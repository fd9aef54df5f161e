import { describe, expect, it } from 'vitest';
import { InvalidOutboundMessageError, planSends } from '../../src/channels/telegram/to-telegram.js';
import type { OutboundAlbumItem } from '../../src/core/messages.js';

const photo = (n: number): OutboundAlbumItem => ({ kind: 'photo', media: { kind: 'platform', fileId: `p${n}` } });

describe('Telegram albums and videos', () => {
  it('sends up to ten items per media group; a lone remainder is a plain photo, which can carry the buttons', () => {
    const album = Array.from({ length: 11 }, (_, n) => photo(n));
    const sends = planSends({ text: 'At the park', album, choices: [{ id: 'a', label: 'A' }] });
    expect(sends.map((send) => send.method)).toEqual(['sendMediaGroup', 'sendPhoto']);
    expect(sends[0]).toMatchObject({ items: album.slice(0, 10), caption: 'At the park' });
    expect(sends[1]).toMatchObject({ media: album[10]!.media, replyMarkup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] } });
  });

  it('puts the text, with the buttons, after an album that ends the message', () => {
    const album = Array.from({ length: 3 }, (_, n) => photo(n));
    const sends = planSends({ text: 'At the park', album, choices: [{ id: 'a', label: 'A' }] });
    expect(sends.map((send) => send.method)).toEqual(['sendMediaGroup', 'sendMessage']);
    expect(sends[0]).not.toHaveProperty('caption');
    expect(sends[1]).toMatchObject({ text: 'At the park', replyMarkup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] } });
  });

  it('puts the text as caption of the album when no buttons need it, and sends video like a photo', () => {
    expect(planSends({ text: 'Hello', album: [photo(1), photo(2)] })).toEqual([{ method: 'sendMediaGroup', items: [photo(1), photo(2)], caption: 'Hello' }]);
    const video = { kind: 'platform', fileId: 'v1' } as const;
    expect(planSends({ text: 'Steps', video, choices: [{ id: 'x', label: 'X' }] })).toEqual([
      { method: 'sendVideo', media: video, caption: 'Steps', replyMarkup: { inline_keyboard: [[{ text: 'X', callback_data: 'x' }]] } },
    ]);
  });

  it('refuses buttons under an album without text before sending anything', () => {
    expect(() => planSends({ album: [photo(1), photo(2)], choices: [{ id: 'x', label: 'X' }] })).toThrow(InvalidOutboundMessageError);
  });
});
