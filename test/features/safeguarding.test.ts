import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';

/** Safeguarding through the real engine, outbox, PostgreSQL and Redis, on the memory channel, in Chinese and English. */
describe('safeguarding', () => {
  let t: TestApp;
  let wang: SeededFamily;
  const clock = new TestClock(new Date('2026-11-30T10:00:00Z'));

  beforeAll(async () => {
    // Monday 11:00 in Milan, 18:00 in Hechi: nobody's quiet hours, so the broadcast goes at once.
    t = await startTestApp({ clock, broadcastCheckEveryMs: 100 });
    wang = await t.seedFamily('Wang family');
    await t.onboard('nainai', wang.codes.caregiver, { locale: 'zh-CN', city: '河池', quiet: '21-8' });
    await t.onboard('wei', wang.codes.parent, { locale: 'en', city: 'Milan', quiet: '22-7', consent: 'consent_no' });
    const lan = await t.app.services.invites.issue({ role: 'coordinator', cohortId: wang.cohortId });
    await t.channel.say('lan', `/start ${lan.code}`);
  });

  const toldLan = () => t.channel.textsTo('lan').filter((text) => text.startsWith('Needs attention'));
  afterAll(() => t.close());

  it('answers a grandmother in Hechi at once, calmly, with the numbers that work in China', async () => {
    const answers = await t.channel.say('nainai', '我活不下去了');
    expect(answers[0]).toBe(
      'nainai，谢谢您告诉我。您说的事很要紧，您不是一个人。\n如果现在有人有危险，请马上打电话：\n' +
        '📞 110：报警（有危险就打）\n📞 120：急救（有人受伤、生病很重）\n📞 12355：青少年服务台（孩子受欺负、心里难过）\n' +
        '我已经请我们的工作人员尽快联系您。',
    );
    await expect.poll(toldLan, { timeout: 10_000 }).toHaveLength(1);
    expect(toldLan()[0]).toMatch(/^Needs attention:\n• ❗Wang family: nainai wrote words about self-harm or suicide \(since .+\)\nThey wrote: “我活不下去了” \(only coordinators see this\)$/);
  });

  it('answers a father in Milan in English with the Italian numbers', async () => {
    const answers = await t.channel.say('wei', 'My wife says he hits me and the kids');
    expect(answers[0]).toContain('If anyone is in danger right now, please call:\n📞 112 – Emergency (police, ambulance)\n📞 114 – 114 Emergenza Infanzia (child in danger)');
  });

  it('hears a phrase split over two messages in a row, in Chinese and in English', async () => {
    expect((await t.channel.say('nainai', '孩子他爸，我不想')).some((text) => text.includes('12355'))).toBe(false);
    expect((await t.channel.say('nainai', '活了'))[0]).toContain('📞 12355');
    expect((await t.channel.say('wei', 'sometimes I want to kill')).some((text) => text.includes('112'))).toBe(false);
    expect((await t.channel.say('wei', 'myself'))[0]).toContain('📞 112');
  });

  it('asks first about milder worries, and takes no for an answer', async () => {
    await t.channel.say('wei', 'I can’t cope any more, nobody helps me');
    await t.app.settled();
    expect(t.channel.lastTo('wei')?.text).toBe('That sounds hard, wei. Do you want someone from our team to contact you?');
    // (The question he was asked before, how often to call, stays open and comes back after.)
    expect((await t.channel.tap('wei', 'no'))[0]).toBe('All right. Whenever you want to talk, just write to me.');
    await t.channel.say('nainai', '我快崩溃了');
    await t.app.settled();
    expect(t.channel.lastTo('nainai')?.choices?.map((choice) => choice.label)).toEqual(['想，请联系我', '不用了，谢谢']);
    expect((await t.channel.tap('nainai', 'yes'))[0]).toBe('好的，我们的工作人员会尽快联系您。有什么事，随时给我发消息。');
    await expect.poll(() => toldLan().some((text) => text.includes('nainai wrote words about not coping')), { timeout: 10_000 }).toBe(true);
    // Wei said no: nothing of his reached the list.
    expect(toldLan().some((text) => text.includes('wei wrote words about not coping'))).toBe(false);
  });

  it('never alerts on a coordinator’s broadcast, however it is worded, nor on its copies the families get', async () => {
    const safeguardingItems = () => t.database.prisma.attentionItem.count({ where: { kind: 'safeguarding' } });
    await t.app.settled();
    const before = await safeguardingItems();
    const announcement = '孩子不见了或者被打时请马上打110。';
    await t.channel.say('lan', '/broadcast');
    await t.channel.tap('lan', 'everyone');
    await t.channel.tap('lan', 'all');
    await t.channel.tap('lan', 'zh-CN');
    await t.channel.say('lan', announcement);
    await t.channel.tap('lan', 'no');
    const preview = await t.channel.tap('lan', 'none');
    expect(preview[0]).toContain(announcement);
    await t.channel.tap('lan', 'send_now');
    await expect.poll(() => t.channel.textsTo('wei').includes(announcement) && t.channel.textsTo('nainai').includes(announcement), { timeout: 10_000 }).toBe(true);
    await t.app.settled();
    expect(await safeguardingItems()).toBe(before);
    expect(t.channel.textsTo('lan').filter((text) => text.includes(announcement) && text.startsWith('Needs attention'))).toEqual([]);
  });

  it('screens family members only: a coordinator writing such words in chat gets no help numbers and raises nothing', async () => {
    await t.app.settled();
    const before = await t.database.prisma.attentionItem.count({ where: { kind: 'safeguarding' } });
    const answers = await t.channel.say('lan', '我活不下去了');
    expect(answers.some((text) => text.includes('📞'))).toBe(false);
    await t.app.settled();
    expect(await t.database.prisma.attentionItem.count({ where: { kind: 'safeguarding' } })).toBe(before);
  });

  it('puts a family nobody has heard from for three weeks on the list, once, and leaves families still in touch alone', async () => {
    const zhao = await t.seedFamily('Zhao family');
    await t.onboard('zhao-nainai', zhao.codes.caregiver, { locale: 'zh-CN', city: '河池', quiet: '21-8' });
    clock.set('2026-12-28T10:00:00Z');
    await t.channel.say('wei', 'Hello!');
    const silentItems = () => t.database.prisma.attentionItem.findMany({ where: { kind: 'silent_family' }, select: { familyId: true } });
    expect(await t.app.services.safeguarding.silentFamilies.sweep()).toBe(1);
    expect(await silentItems()).toEqual([{ familyId: zhao.familyId }]);
    expect(await t.app.services.safeguarding.silentFamilies.sweep()).toBe(0);
    expect(await silentItems()).toHaveLength(1);
  });
});
