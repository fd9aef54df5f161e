import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import exifr from 'exifr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramChannel } from '../../src/channels/telegram/telegram-channel.js';
import { systemClock } from '../../src/core/clock.js';
import { spokenDayTime } from '../../src/core/spoken-time.js';
import type { Role } from '../../src/storage/generated/enums.js';
import { FakeTelegram, type FakeUser, type SentMessage } from '../support/fake-telegram.js';
import { jpegWithGps, mp4Video, mp4WithLocation, oggOpusVoice, pdfBytes, taggedOggVoice } from '../support/media-fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const LIMITS = { photo: 200_000, video: 300_000, voice: 100_000 };

/** Moments from home to parents, end to end through the fake Telegram Bot API, PostgreSQL, Redis and the media store. */
describe('moments from home on Telegram (fake Bot API)', () => {
  let telegram: FakeTelegram;
  let t: TestApp;
  let familyA: string;
  let familyB: string;
  const nainai: FakeUser = { id: 7001, firstName: 'Nainai', languageCode: 'en' };
  const papa: FakeUser = { id: 7002, firstName: 'Wei', languageCode: 'en' };
  const mama: FakeUser = { id: 7003, firstName: 'Mei', languageCode: 'en' };
  const laolao: FakeUser = { id: 7011, firstName: 'Laolao', languageCode: 'en' };
  const fatherB: FakeUser = { id: 7012, firstName: 'Jun', languageCode: 'en' };
  const teacher: FakeUser = { id: 7021, firstName: 'Ms Lan', languageCode: 'en' };
  const ids = new Map<number, string>();

  const member = async (user: FakeUser, familyId: string, role: Role, timeZone = 'Asia/Shanghai'): Promise<void> => {
    const existing = ids.get(user.id);
    if (existing) {
      await t.database.prisma.familyMember.create({ data: { familyId, personId: existing, role } });
      return;
    }
    const person = await t.database.prisma.person.create({
      data: {
        displayName: user.firstName,
        locale: 'en',
        timeZone,
        identities: { create: { channel: 'telegram', externalId: String(user.id) } },
        memberships: { create: { familyId, role } },
      },
    });
    ids.set(user.id, person.id);
  };
  const consent = async (user: FakeUser, granted = true): Promise<void> => {
    const personId = ids.get(user.id)!;
    for (const child of await t.app.services.consents.standings(personId, 'photo_sharing')) {
      await t.app.services.consents.decide(personId, 'photo_sharing', child.childId, granted);
    }
  };
  const buttons = (message: SentMessage): { text: string; callback_data?: string }[] => message.replyMarkup?.inline_keyboard?.flat() ?? [];
  const storedPictures = async (familyId: string): Promise<string[]> => {
    const media = await t.database.prisma.updateMedia.findMany({ where: { update: { familyId }, kind: { in: ['photo', 'video'] } } });
    return media.map((item) => path.join(t.mediaDir, item.storageKey));
  };

  beforeAll(async () => {
    telegram = await FakeTelegram.start();
    const channel = new TelegramChannel({ token: telegram.token, apiRoot: telegram.apiRoot, albumQuietMs: 300 });
    t = await startTestApp({ channels: [channel], sendLimits: { telegram: {} }, mediaLimits: LIMITS });
    familyA = (await t.seedFamily('Wang family')).familyId;
    familyB = (await t.seedFamily('Li family')).familyId;
    await member(nainai, familyA, 'caregiver');
    await member(papa, familyA, 'parent', 'Europe/Rome');
    await member(mama, familyA, 'parent');
    await member(laolao, familyB, 'caregiver');
    await member(fatherB, familyB, 'parent');
    for (const parent of [papa, mama, fatherB]) await consent(parent);
  });
  afterAll(async () => {
    await t.close();
    await telegram.close();
  });

  it('relays a photo to both parents of the child only, each in their own time zone, without its GPS position', async () => {
    const original = await jpegWithGps();
    expect(await exifr.gps(Buffer.from(original))).toMatchObject({ latitude: expect.closeTo(24.69, 2) });
    telegram.userSendsPhoto(nainai, { caption: 'Xiaoming painted a tiger today', bytes: original });

    const toPapa = await telegram.nextSent(papa.id, (m) => m.method === 'sendPhoto');
    const toMama = await telegram.waitForSent(mama.id, (m) => m.method === 'sendPhoto');
    await telegram.waitForSent(nainai.id, (m) => m.text === "Sent to Xiaoming's parents (2). ❤️");

    const update = await t.database.prisma.familyUpdate.findFirstOrThrow({ where: { familyId: familyA } });
    const timeIn = (zone: string): string => spokenDayTime(update.createdAt, zone, 'en', systemClock);
    expect(toPapa.caption).toBe(`From Nainai (caregiver), about Xiaoming · ${timeIn('Europe/Rome')}\n\nXiaoming painted a tiger today`);
    expect(toMama.caption).toContain(timeIn('Asia/Shanghai'));
    expect(buttons(toPapa).map((b) => b.text)).toEqual(['❤️', '💬 Answer']);

    // What parents receive and what the store keeps carry no location.
    for (const sent of [toPapa, toMama]) {
      expect(sent.file?.kind).toBe('upload');
      const bytes = Buffer.from((sent.file as { data: Uint8Array }).data);
      expect(await exifr.gps(bytes)).toBeUndefined();
      expect(await exifr.parse(bytes, true)).toBeUndefined();
    }
    const [stored] = await storedPictures(familyA);
    expect(await exifr.gps(readFileSync(stored!))).toBeUndefined();

    // Delivery per recipient, linked to the outbox rows that carried it.
    const deliveries = await t.database.prisma.updateDelivery.findMany({ where: { updateId: update.id } });
    expect(deliveries.map((d) => d.recipientId).sort()).toEqual([ids.get(papa.id), ids.get(mama.id)].sort());
    for (const delivery of deliveries) {
      const rows = await t.database.prisma.outboxMessage.findMany({ where: { dedupeKey: { startsWith: `${delivery.dedupeKey}:` } } });
      expect(rows.map((row) => row.status)).toEqual(['sent']);
    }
    expect(telegram.sent(fatherB.id)).toEqual([]);
    expect(telegram.sent(laolao.id)).toEqual([]);
  });

  it('relays several photos as one album, with the buttons under it', async () => {
    const photo = await jpegWithGps();
    telegram.userSendsAlbum(nainai, [{ kind: 'photo', bytes: photo }, { kind: 'photo', bytes: photo }, { kind: 'photo', bytes: photo }], 'At the park');
    const buttonsMessage = await telegram.nextSent(papa.id, (m) => m.method === 'sendMessage' && buttons(m).length === 2);
    const album = telegram.sent(papa.id).filter((m) => m.method === 'sendMediaGroup');
    expect(album).toHaveLength(3);
    expect(new Set(album.map((m) => m.mediaGroupId)).size).toBe(1);
    expect(album[0]!.caption).toBeUndefined();
    expect(buttonsMessage.text).toMatch(/^From Nainai \(caregiver\), about Xiaoming · .*\n\nAt the park$/);
    await telegram.waitForSent(mama.id, (m) => m.method === 'sendMessage' && buttons(m).length === 2);
    expect(telegram.sent(mama.id).filter((m) => m.method === 'sendMediaGroup')).toHaveLength(3);
    expect(telegram.sent(fatherB.id)).toEqual([]);
  });

  it('carries ❤️, a text and a voice answer back to the sender, and stickers answer the latest moment', async () => {
    const moment = telegram.sent(papa.id).filter((m) => buttons(m).length === 2).at(-1)!;
    const [heart, answer] = buttons(moment);
    telegram.userTapsButton(papa, heart!.callback_data!);
    await telegram.nextSent(nainai.id, (m) => m.text === 'Wei sent ❤️');
    await telegram.waitForSent(papa.id, (m) => m.text === '❤️ sent to Nainai.');

    telegram.userTapsButton(papa, answer!.callback_data!);
    await telegram.nextSent(papa.id, (m) => m.text?.startsWith('Send your answer to Nainai') ?? false);
    telegram.userSays(papa, 'So proud of him!');
    await telegram.nextSent(nainai.id, (m) => m.text === 'Wei says: So proud of him!');

    telegram.userTapsButton(mama, buttons(telegram.sent(mama.id).filter((m) => buttons(m).length === 2).at(-1)!)[1]!.callback_data!);
    await telegram.nextSent(mama.id, (m) => m.text?.startsWith('Send your answer') ?? false);
    telegram.userSendsVoice(mama, { bytes: taggedOggVoice() });
    const voice = await telegram.nextSent(nainai.id, (m) => m.method === 'sendVoice');
    expect(voice.caption).toBe('Mei answered with a voice message:');

    telegram.userSendsSticker(papa, '😘');
    await telegram.nextSent(nainai.id, (m) => m.text === 'Wei sent 😘');
    expect(await t.database.prisma.updateReply.count({ where: { authorId: ids.get(papa.id) } })).toBe(3);
  });

  it('never lets family A reach family B: forged buttons, foreign children and strangers get nothing', async () => {
    telegram.userSendsPhoto(laolao, { bytes: await jpegWithGps() });
    const toFatherB = await telegram.nextSent(fatherB.id, (m) => m.method === 'sendPhoto');
    const foreign = buttons(toFatherB);
    await telegram.waitForSent(laolao.id, (m) => m.text?.startsWith('Sent to') ?? false);
    const sentToLaolao = telegram.sent(laolao.id).length;

    // Papa (family A) replays family B's buttons, and forges ids of B's delivery, update and child.
    const delivery = await t.database.prisma.updateDelivery.findFirstOrThrow({ where: { recipientId: ids.get(fatherB.id) } });
    const child = await t.database.prisma.child.findFirstOrThrow({ where: { familyId: familyB } });
    for (const data of [...foreign.map((b) => b.callback_data!), `update:answer:${delivery.updateId}`, `update:heart:${child.id}`, 'update:heart:not-a-uuid', `update:share:${delivery.id}`]) {
      telegram.userTapsButton(papa, data);
      await telegram.nextSent(papa.id);
    }
    // Each looks exactly like a moment that no longer exists.
    expect(telegram.sent(papa.id).slice(-5).map((m) => m.text)).toEqual(Array(5).fill('This moment is no longer available.'));
    // A caregiver of A sending a photo cannot pick B's child, even by sending its id as an answer.
    await t.database.prisma.child.create({ data: { familyId: familyA, name: 'Xiaohong', birthDate: new Date('2023-01-01') } });
    for (const parent of [papa, mama]) await consent(parent); // consent is per child: Xiaohong's is decided on its own
    telegram.userSendsPhoto(nainai, { bytes: await jpegWithGps() });
    const question = await telegram.nextSent(nainai.id, (m) => m.text === 'Which child is this about?');
    expect(buttons(question).map((b) => b.text)).toEqual(['Xiaoming', 'Xiaohong']);
    telegram.userTapsButton(nainai, child.id);
    await telegram.nextSent(nainai.id, (m) => m.text === 'That question is closed, so that button does nothing now.');
    telegram.userSays(nainai, child.id);
    await telegram.nextSent(nainai.id, (m) => m.text === 'Please tap one of the buttons, or send its number.');
    telegram.userTapsButton(nainai, buttons(question)[1]!.callback_data!);
    await telegram.nextSent(nainai.id, (m) => m.text === "Sent to Xiaohong's parents (2). ❤️");

    // A stranger's photo goes nowhere: their one answer asks for an invite code.
    const stranger: FakeUser = { id: 7099, firstName: 'Stranger', languageCode: 'en' };
    telegram.userSendsPhoto(stranger, { bytes: await jpegWithGps() });
    await telegram.nextSent(stranger.id, (m) => m.text?.includes('please send the invite code') ?? false);
    expect(telegram.sent(laolao.id)).toHaveLength(sentToLaolao);
    expect(telegram.sent(fatherB.id).filter((m) => m.method === 'sendPhoto')).toHaveLength(1);
  });

  it('refuses oversized and unsupported files with a clear reply and keeps nothing of them', async () => {
    const filesBefore = await t.database.prisma.updateMedia.count();
    telegram.userSendsVideo(nainai, { bytes: mp4Video(), declaredSize: 30 * 1024 * 1024 });
    await telegram.nextSent(nainai.id, (m) => m.text === 'This file is too large (at most 0.3 MB). Please send a shorter video or a smaller file.');
    // A platform that under-reports the size is caught while downloading.
    telegram.userSendsVideo(nainai, { bytes: mp4Video(LIMITS.video + 10), declaredSize: 1000 });
    await telegram.nextSent(nainai.id, (m) => m.text?.startsWith('This file is too large') ?? false);
    telegram.userSendsPhoto(nainai, { bytes: pdfBytes() });
    await telegram.nextSent(nainai.id, (m) => m.text?.startsWith("I can't use this kind of file") ?? false);
    expect(await t.database.prisma.updateMedia.count()).toBe(filesBefore);
  });

  it('sends voice and video, and withholds photos once a parent withdraws consent, deleting what is stored', async () => {
    telegram.userSendsVideo(nainai, { bytes: mp4WithLocation(), caption: 'First steps' });
    await telegram.nextSent(nainai.id, (m) => m.text === 'Which child is this about?');
    telegram.userSays(nainai, '1');
    const video = await telegram.nextSent(papa.id, (m) => m.method === 'sendVideo');
    expect(video.caption).toContain('First steps');

    // Consent is per child: withdrawing Xiaoming's deletes his pictures (his sister's stay, decided on their own).
    const xiaoming = await t.database.prisma.child.findFirstOrThrow({ where: { familyId: familyA, name: 'Xiaoming' } });
    const before = (await t.database.prisma.updateMedia.findMany({ where: { update: { childId: xiaoming.id }, kind: { in: ['photo', 'video'] } } })).map((item) => path.join(t.mediaDir, item.storageKey));
    expect(before.length).toBeGreaterThan(0);
    telegram.userSays(mama, '/privacy');
    const which = await telegram.nextSent(mama.id, (m) => m.text?.startsWith('Photo sharing now') ?? false);
    telegram.userTapsButton(mama, buttons(which)[0]!.callback_data!);
    const ask = await telegram.nextSent(mama.id, (m) => m.text?.startsWith('May photos') ?? false);
    telegram.userTapsButton(mama, buttons(ask)[1]!.callback_data!);
    await telegram.nextSent(mama.id, (m) => m.text?.startsWith('Understood. From now on') ?? false);
    for (const file of before) expect(existsSync(file)).toBe(false);
    expect(await t.database.prisma.updateMedia.count({ where: { update: { childId: xiaoming.id }, kind: { in: ['photo', 'video'] } } })).toBe(0);

    const papaPhotos = telegram.sent(papa.id).filter((m) => m.method === 'sendPhoto').length;
    telegram.userSendsPhoto(nainai, { bytes: await jpegWithGps() });
    await telegram.nextSent(nainai.id, (m) => m.text === 'Which child is this about?');
    telegram.userSays(nainai, '1');
    await telegram.nextSent(nainai.id, (m) => m.text?.startsWith("This photo or video can't be shared: Xiaoming's parents") ?? false);
    telegram.userSendsVoice(nainai, { bytes: taggedOggVoice() });
    await telegram.nextSent(nainai.id, (m) => m.text === 'Which child is this about?');
    telegram.userSays(nainai, '1');
    await telegram.nextSent(papa.id, (m) => m.method === 'sendVoice');
    expect(telegram.sent(papa.id).filter((m) => m.method === 'sendPhoto')).toHaveLength(papaPhotos);
  });

  it('lets a teacher post progress child by child, each family getting only its own part', async () => {
    await member(teacher, familyA, 'teacher');
    await member(teacher, familyB, 'teacher');
    const papaBefore = telegram.sent(papa.id).length;
    telegram.userSays(teacher, '/progress');
    await telegram.nextSent(teacher.id, (m) => m.text?.startsWith('Xiaoming: send a note') ?? false);
    telegram.userSays(teacher, 'Xiaoming counted to twenty.');
    await telegram.nextSent(teacher.id, (m) => m.text?.startsWith('Xiaohong: send a note') ?? false);
    telegram.userTapsButton(teacher, 'skip');
    await telegram.nextSent(teacher.id, (m) => m.text?.startsWith('Xiaoming: send a note') ?? false); // family B's Xiaoming
    telegram.userSendsPhoto(teacher, { bytes: await jpegWithGps() });
    await telegram.nextSent(teacher.id, (m) => m.text?.startsWith('Thank you!') ?? false);

    const papaNew = telegram.sent(papa.id).slice(papaBefore);
    expect(papaNew.map((m) => [m.method, m.text ?? m.caption])).toEqual([
      ['sendMessage', expect.stringMatching(/^From Ms Lan \(teacher\), about Xiaoming · .*\n\nXiaoming counted to twenty\.$/)],
    ]);
    const toB = await telegram.waitForSent(fatherB.id, (m) => m.method === 'sendPhoto' && (m.caption?.startsWith('From Ms Lan') ?? false));
    expect(toB.caption).not.toContain('twenty');
  });

  it('forgets a person on request, after confirmation: their files and rows are gone', async () => {
    const nainaiId = ids.get(nainai.id)!;
    const files = (await t.database.prisma.updateMedia.findMany({ where: { update: { senderId: nainaiId } } })).map((m) => path.join(t.mediaDir, m.storageKey));
    expect(files.length).toBeGreaterThan(0);
    telegram.userSays(nainai, '/forget');
    const confirm = await telegram.nextSent(nainai.id, (m) => m.text?.startsWith('This deletes everything') ?? false);
    telegram.userTapsButton(nainai, buttons(confirm)[1]!.callback_data!);
    await telegram.nextSent(nainai.id, (m) => m.text === 'Nothing was deleted.');
    expect(await t.database.prisma.person.count({ where: { id: nainaiId } })).toBe(1);

    telegram.userSays(nainai, '/forget');
    const again = await telegram.nextSent(nainai.id, (m) => m.text?.startsWith('This deletes everything') ?? false);
    telegram.userTapsButton(nainai, buttons(again)[0]!.callback_data!);
    await telegram.nextSent(nainai.id, (m) => m.text?.startsWith('Everything about you has been deleted') ?? false);
    for (const file of files) expect(existsSync(file)).toBe(false);
    const prisma = t.database.prisma;
    expect(await prisma.person.count({ where: { id: nainaiId } })).toBe(0);
    expect(await prisma.channelIdentity.count({ where: { externalId: String(nainai.id) } })).toBe(0);
    expect(await prisma.familyUpdate.count({ where: { senderId: nainaiId } })).toBe(0);
    expect(await prisma.familyMember.count({ where: { personId: nainaiId } })).toBe(0);
    // The goodbye, written after everything else was deleted, keeps neither her id nor her chat once it is sent.
    const addressedToHer = () => prisma.outboxMessage.count({ where: { OR: [{ personId: nainaiId }, { chatId: String(nainai.id) }] } });
    await expect.poll(addressedToHer).toBe(0);
  });
});
