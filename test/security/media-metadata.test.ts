import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramChannel } from '../../src/channels/telegram/telegram-channel.js';
import type { MediaKind } from '../../src/storage/generated/enums.js';
import { FakeTelegram, type FakeUser, type SentMessage } from '../support/fake-telegram.js';
import { HECHI_ISO6709, mediaTags, mp4WithLocation, taggedOggVoice } from '../support/media-fixtures.js';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';

/** What a container needs to say about itself and may keep: brand, stream language and handler, muxer name. */
const STRUCTURAL_TAG = /^(major_brand|minor_version|compatible_brands|language|handler_name|vendor_id|encoder)=/;

/** A grandmother's video and voice note from a phone: stored and relayed to the father without where, who or when. */
describe('videos and voice notes lose their metadata before they are stored or relayed', () => {
  let telegram: FakeTelegram;
  let t: TestApp;
  let family: SeededFamily;
  const nainai: FakeUser = { id: 9101, firstName: 'Nainai', languageCode: 'en' };
  const papa: FakeUser = { id: 9102, firstName: 'Wei', languageCode: 'en' };

  beforeAll(async () => {
    telegram = await FakeTelegram.start();
    const channel = new TelegramChannel({ token: telegram.token, apiRoot: telegram.apiRoot, albumQuietMs: 300 });
    t = await startTestApp({ channels: [channel], sendLimits: { telegram: {} } });
    family = await t.seedFamily();
    for (const [user, role] of [[nainai, 'caregiver'], [papa, 'parent']] as const) {
      await t.database.prisma.person.create({
        data: { displayName: user.firstName, locale: 'en', identities: { create: { channel: 'telegram', externalId: String(user.id) } }, memberships: { create: { familyId: family.familyId, role } } },
      });
    }
    const father = await t.database.prisma.person.findFirstOrThrow({ where: { displayName: 'Wei' } });
    for (const child of await t.app.services.consents.standings(father.id, 'photo_sharing')) await t.app.services.consents.decide(father.id, 'photo_sharing', child.childId, true);
  });
  afterAll(async () => {
    await t.close();
    await telegram.close();
  });

  const stored = async (kind: MediaKind): Promise<Uint8Array> => {
    const media = await t.database.prisma.updateMedia.findFirstOrThrow({ where: { kind, update: { familyId: family.familyId } } });
    return readFileSync(path.join(t.mediaDir, media.storageKey));
  };
  const relayedBytes = (message: SentMessage): Uint8Array => (message.file as { data: Uint8Array }).data;

  it('keeps and relays an MP4 without its ©xyz location, title or creation time, streams copied as they were', async () => {
    expect(mediaTags(mp4WithLocation())).toContain(`location=${HECHI_ISO6709}`);
    telegram.userSendsVideo(nainai, { bytes: mp4WithLocation(), caption: 'First steps' });
    const relayed = await telegram.waitForSent(papa.id, (m) => m.method === 'sendVideo');
    for (const bytes of [relayedBytes(relayed), await stored('video')]) {
      expect(mediaTags(bytes).filter((tag) => !STRUCTURAL_TAG.test(tag))).toEqual([]);
      expect(Buffer.from(bytes).includes('+24.69')).toBe(false);
      // Copied, not re-encoded: about the size it came in.
      expect(bytes.length).toBeGreaterThan(mp4WithLocation().length * 0.8);
    }
  });

  it('keeps and relays a voice note without its artist, location or title tags', async () => {
    expect(mediaTags(taggedOggVoice())).toContain('artist=Wang Nainai');
    telegram.userSendsVoice(nainai, { bytes: taggedOggVoice() });
    const relayed = await telegram.waitForSent(papa.id, (m) => m.method === 'sendVoice');
    for (const bytes of [relayedBytes(relayed), await stored('voice')]) {
      expect(mediaTags(bytes).filter((tag) => !STRUCTURAL_TAG.test(tag))).toEqual([]);
      expect(Buffer.from(bytes).includes('Wang Nainai')).toBe(false);
    }
  });
});
