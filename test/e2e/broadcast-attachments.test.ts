import { existsSync } from 'node:fs';
import path from 'node:path';
import exifr from 'exifr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramChannel } from '../../src/channels/telegram/telegram-channel.js';
import { FakeTelegram, type FakeUser } from '../support/fake-telegram.js';
import { jpegWithGps } from '../support/media-fixtures.js';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';

const DAY = 24 * 3_600_000;

/** A coordinator's photo in a broadcast, end to end through the fake Telegram Bot API: cleaned, stored, sent, forgotten. */
describe('broadcast attachments (fake Bot API)', () => {
  const clock = new TestClock(new Date());
  let telegram: FakeTelegram;
  let t: TestApp;
  let wang: SeededFamily;
  const lan: FakeUser = { id: 8101, firstName: 'Lan', languageCode: 'en' };
  const papa: FakeUser = { id: 8102, firstName: 'Wei', languageCode: 'en' };

  beforeAll(async () => {
    telegram = await FakeTelegram.start();
    const channel = new TelegramChannel({ token: telegram.token, apiRoot: telegram.apiRoot });
    t = await startTestApp({ clock, channels: [channel], sendLimits: { telegram: {} }, mediaLimits: { photo: 100_000, video: 100_000, voice: 100_000 }, broadcastCheckEveryMs: 100, mediaRetentionDays: 30 });
    wang = await t.seedFamily('Wang family');
    for (const [user, role] of [[lan, 'coordinator'], [papa, 'parent']] as const) {
      await t.database.prisma.person.create({
        data: {
          displayName: user.firstName,
          locale: 'en',
          identities: { create: { channel: 'telegram', externalId: String(user.id) } },
          ...(role === 'coordinator' ? { coordinates: { create: { cohortId: wang.cohortId } } } : { memberships: { create: { familyId: wang.familyId, role } } }),
        },
      });
    }
  });
  afterAll(async () => {
    await t.close();
    await telegram.close();
  });

  const compose = async (text: string): Promise<void> => {
    telegram.userSays(lan, '/broadcast');
    await telegram.userAnswers(lan, 'Who should receive it?', { label: 'Everyone' });
    await telegram.userAnswers(lan, 'Only people who read a certain language?', { label: 'All languages' });
    await telegram.userAnswers(lan, 'Which language will you write it in?', { label: 'English' });
    await telegram.userAnswers(lan, 'Write the announcement', { text });
    await telegram.userAnswers(lan, 'Add the same announcement in another language', { label: 'No' });
  };
  const attachmentQuestions = () => telegram.sent(lan.id).filter((m) => m.text === 'Attach a photo or a voice note?');

  it('sends the photo without its GPS position, from the media store, and refuses one too large kindly', async () => {
    await compose('Sports day on Friday!');
    await telegram.userAnswers(lan, 'Attach a photo or a voice note?', { label: 'A photo' });
    await telegram.waitForSent(lan.id, (m) => m.text === 'Send the photo.');
    // Too large first: she is told the limit and asked again; the text she wrote stays.
    telegram.userSendsPhoto(lan, { bytes: new Uint8Array(150_000).fill(7) });
    await telegram.waitForSent(lan.id, (m) => m.text?.startsWith('This file is too large (at most 0.1 MB)') ?? false);
    await expect.poll(() => attachmentQuestions().length, { timeout: 10_000 }).toBe(2);
    telegram.userTapsLabel(lan, attachmentQuestions()[1]!, 'A photo');
    await expect.poll(() => telegram.sent(lan.id).filter((m) => m.text === 'Send the photo.').length, { timeout: 10_000 }).toBe(2);

    const original = await jpegWithGps();
    expect(await exifr.gps(Buffer.from(original))).toBeDefined();
    telegram.userSendsPhoto(lan, { bytes: original });
    const preview = await telegram.waitForSent(lan.id, (m) => m.text?.startsWith('Preview') ?? false);
    expect(preview.text).toContain('Sports day on Friday!');
    telegram.userTapsLabel(lan, preview, 'Send now');

    const toPapa = await telegram.waitForSent(papa.id, (m) => m.method === 'sendPhoto', 15_000);
    expect(toPapa.caption).toBe('Sports day on Friday!');
    expect(toPapa.file?.kind).toBe('upload');
    const bytes = Buffer.from((toPapa.file as { data: Uint8Array }).data);
    expect(await exifr.gps(bytes)).toBeUndefined();
    expect(await exifr.parse(bytes, true)).toBeUndefined();
  });

  it('deletes the photo the retention period after the broadcast went out, keeping the broadcast', async () => {
    const broadcast = await t.database.prisma.broadcast.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    await expect.poll(async () => (await t.database.prisma.broadcast.findUniqueOrThrow({ where: { id: broadcast.id } })).status, { timeout: 15_000 }).toBe('done');
    const file = path.join(t.mediaDir, (broadcast.media as { storageKey: string }).storageKey);
    expect(existsSync(file)).toBe(true);

    clock.advance(29 * DAY);
    expect(await t.app.services.broadcasts.forgetOldAttachments(30)).toBe(0);
    clock.advance(2 * DAY);
    expect(await t.app.services.broadcasts.forgetOldAttachments(30)).toBe(1);
    expect(existsSync(file)).toBe(false);
    expect(await t.database.prisma.broadcast.findUniqueOrThrow({ where: { id: broadcast.id }, select: { media: true, texts: true } })).toEqual({ media: null, texts: { en: 'Sports day on Friday!' } });
  });
});
