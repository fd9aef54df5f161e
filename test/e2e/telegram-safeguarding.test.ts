import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttentionNotFoundError } from '../../src/features/attention/attention-items.js';
import { hasText, type FakeUser } from '../support/fake-telegram.js';
import { startTelegramTestApp, type TelegramTestApp } from '../support/telegram-test-app.js';
import type { SeededFamily } from '../support/test-app.js';

/**
 * Words of harm over the fake Telegram Bot API: the grandmother gets help numbers at once, her cohort's coordinator the
 * alert with her words; the coordinator of another cohort, her own family and another family get nothing of it.
 */
describe('safeguarding on Telegram (fake Bot API)', () => {
  let t: TelegramTestApp;
  let wang: SeededFamily;
  let li: SeededFamily;
  const nainai: FakeUser = { id: 8001, firstName: '奶奶', languageCode: 'zh-hans' };
  const wei: FakeUser = { id: 8002, firstName: 'Wei', languageCode: 'en' };
  const liMama: FakeUser = { id: 8003, firstName: '李妈妈', languageCode: 'zh-hans' };
  const lan: FakeUser = { id: 8004, firstName: 'Lan', languageCode: 'en' };
  const zhou: FakeUser = { id: 8005, firstName: 'Zhou', languageCode: 'en' };

  const personId = async (user: FakeUser) => (await t.database.prisma.person.findFirstOrThrow({ where: { identities: { some: { externalId: String(user.id) } } } })).id;

  beforeAll(async () => {
    t = await startTelegramTestApp();
    wang = await t.seedFamily('Wang family');
    li = await t.seedFamily('Li family');
    for (const [coordinator, family] of [[lan, wang], [zhou, li]] as const) {
      const invite = await t.app.services.invites.issue({ role: 'coordinator', cohortId: family.cohortId });
      t.telegram.userSays(coordinator, `/start ${invite.code}`);
      await t.telegram.nextSent(coordinator.id);
    }
    await t.onboardOnTelegram(nainai, wang.codes.caregiver, { language: '中文', city: '河池', quietHours: '晚上9点到早上8点' });
    await t.telegram.waitForSent(nainai.id, hasText('都设好了'));
    await t.onboardOnTelegram(wei, wang.codes.parent, { language: 'English', city: 'Milan', quietHours: '10 pm to 7 am', photos: 'Yes, share with family' });
    await t.onboardOnTelegram(liMama, li.codes.parent, { language: '中文', city: '河池', quietHours: '晚上9点到早上8点', photos: '可以，发给家里人' });
    await t.app.settled();
  });
  afterAll(() => t.close());

  it('answers the grandmother with the help numbers for China and alerts her cohort’s coordinator, excerpt included', async () => {
    const before = { wei: t.telegram.sent(wei.id).length, liMama: t.telegram.sent(liMama.id).length, zhou: t.telegram.sent(zhou.id).length };
    t.telegram.userSays(nainai, '我真的想自殺了');
    const reply = await t.telegram.waitForSent(nainai.id, hasText('谢谢您告诉我'));
    expect(reply.text).toContain('📞 110：报警（有危险就打）');
    expect(reply.text).toContain('📞 12355：青少年服务台');
    const alert = await t.telegram.waitForSent(lan.id, hasText('wrote words about self-harm or suicide'));
    expect(alert.text).toContain('Wang family: 奶奶 wrote words about self-harm or suicide');
    expect(alert.text).toContain('They wrote: “我真的想自殺了” (only coordinators see this)');
    await t.app.settled();

    // Nothing of it reaches the other cohort's coordinator, her own family or another family.
    expect(t.telegram.sent(zhou.id).slice(before.zhou)).toEqual([]);
    expect(t.telegram.sent(wei.id).slice(before.wei)).toEqual([]);
    expect(t.telegram.sent(liMama.id).slice(before.liMama)).toEqual([]);

    const [item] = (await t.app.services.attention.openFor(await personId(lan))).filter((open) => open.kind === 'safeguarding');
    expect(item).toMatchObject({ urgent: true, familyName: 'Wang family', excerpt: '我真的想自殺了', details: { category: 'self_harm' } });
    expect(await t.app.services.attention.openFor(await personId(zhou))).toEqual([]);
    await expect(t.app.services.attention.find(await personId(zhou), item!.id)).rejects.toBeInstanceOf(AttentionNotFoundError);
    for (const familyMember of [wei, liMama, nainai]) {
      await expect(t.app.services.attention.find(await personId(familyMember), item!.id)).rejects.toBeInstanceOf(AttentionNotFoundError);
    }
  });

  it('hears an English phrase split over two messages and tells the same coordinator, only once per worry', async () => {
    t.telegram.userSays(wei, 'Sometimes I think I will kill');
    await t.app.settled();
    t.telegram.userSays(wei, 'myself, it is too much');
    await t.telegram.waitForSent(wei.id, hasText('📞 112 – Emergency (police, ambulance)'));
    const alert = await t.telegram.waitForSent(lan.id, hasText('Wei wrote words about self-harm or suicide'));
    // The excerpt joins what was remembered of the first message (its end, normalised) and the second.
    expect(alert.text).toContain('will kill / myself, it is too much” (only coordinators see this)');
    t.telegram.userSays(wei, 'I want to kill myself');
    await t.app.settled();
    expect(t.telegram.sent(wei.id).filter((message) => message.text?.includes('📞 112'))).toHaveLength(2);
    expect((await t.app.services.attention.openFor(await personId(lan))).filter((open) => open.details.person_name === 'Wei')).toHaveLength(1);
  });
});
