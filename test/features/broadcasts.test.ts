import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BroadcastNotFoundError } from '../../src/features/broadcasts/broadcasts.js';
import { NotCoordinatorError } from '../../src/features/families/families.js';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';

/** A coordinator's announcement, composed in chat, through the real engine, outbox, PostgreSQL and Redis. */
describe('broadcasts', () => {
  const clock = new TestClock(new Date());
  let t: TestApp;
  let wang: SeededFamily;
  let liCodes: Record<string, string>;
  let elsewhere: SeededFamily;
  let coordinator: string;

  beforeAll(async () => {
    t = await startTestApp({ clock, broadcastCheckEveryMs: 100 });
    wang = await t.seedFamily('Wang family');
    elsewhere = await t.seedFamily('Other cohort family');
    // A second family in the same cohort as the Wangs, registered by the same coordinator.
    const li = await t.app.services.families.create(wang.coordinatorId, { name: 'Li family', cohortId: wang.cohortId, children: [] });
    liCodes = Object.fromEntries(li.invites.map((invite) => [invite.role, invite.code]));
    await t.database.prisma.channelIdentity.create({ data: { channel: 'memory', externalId: 'coordinator', personId: wang.coordinatorId } });
    coordinator = 'coordinator';
    await join('wang-papa', wang.codes.parent, 'en');
    await join('wang-nainai', wang.codes.caregiver, 'zh-CN');
    await join('li-mama', liCodes.parent!, 'zh-CN');
    await join('li-yeye', liCodes.caregiver!, 'zh-CN');
    await t.channel.say('li-yeye', '/stop');
    await join('far-papa', elsewhere.codes.parent, 'en');
  });
  afterAll(() => t.close());

  async function join(who: string, code: string, language: string): Promise<void> {
    await t.channel.say(who, `/start ${code}`);
    await t.channel.tap(who, language);
  }

  it('is composed, previewed and sent in each reader’s language, to the coordinator’s cohort only', async () => {
    // The coordinator speaks English but writes the Chinese text first, then its English translation.
    const say = (text: string) => t.channel.say(coordinator, text);
    expect(await say('/broadcast')).toEqual(['Who should receive it?']);
    await t.channel.tap(coordinator, 'everyone');
    expect(await t.channel.tap(coordinator, 'all')).toEqual(['Which language will you write it in?']);
    await t.channel.tap(coordinator, 'zh-CN');
    await say('周五幼儿园放假。');
    await t.channel.tap(coordinator, 'yes');
    expect(t.channel.lastTo(coordinator)?.choices?.map((choice) => choice.label)).toEqual(['English']);
    await t.channel.tap(coordinator, 'en');
    await say('The kindergarten is closed on Friday.');
    const preview = await t.channel.tap(coordinator, 'none');
    // Reachable: the coordinator, Wang papa (en), Wang nainai and Li mama (zh-CN); Li yeye opted out.
    expect(preview).toEqual([
      'Preview – it will reach 4 people (English 2 · 中文 2), each in their language where you wrote one, and never during their quiet hours:\n\n' +
        '中文:\n周五幼儿园放假。\n\nEnglish:\nThe kindergarten is closed on Friday.',
    ]);
    // The coordinator is a member too: their own copy may already follow the confirmation.
    expect((await t.channel.tap(coordinator, 'send_now'))[0]).toBe('Sending. I will tell you when everyone has it.');

    await expect.poll(() => t.channel.textsTo('wang-papa').at(-1), { timeout: 10_000 }).toBe('The kindergarten is closed on Friday.');
    await expect.poll(() => t.channel.textsTo('wang-nainai').at(-1), { timeout: 10_000 }).toBe('周五幼儿园放假。');
    await expect.poll(() => t.channel.textsTo('li-mama').at(-1), { timeout: 10_000 }).toBe('周五幼儿园放假。');
    await expect.poll(() => t.channel.textsTo(coordinator).at(-1), { timeout: 10_000 }).toBe(
      'Your announcement has gone out: 4 delivered, 0 failed, 0 have blocked the bot, 1 have switched messages off, 0 will get it when they next write to the bot.',
    );
    expect(t.channel.textsTo('li-yeye')).not.toContain('周五幼儿园放假。');
    expect(t.channel.textsTo('far-papa')).not.toContain('The kindergarten is closed on Friday.');
  });

  it('tells a coordinator whose text is too long the limit and its length, and keeps full-width punctuation as written', async () => {
    const say = (text: string) => t.channel.say(coordinator, text);
    await say('/broadcast');
    await t.channel.tap(coordinator, 'caregiver');
    await t.channel.tap(coordinator, 'zh-CN');
    expect(await t.channel.tap(coordinator, 'zh-CN')).toEqual(['Write the announcement (one message, up to 2000 characters).']);
    expect(await say('通知'.repeat(2500))).toEqual([
      'That is 5000 characters long, and the most I can take here is 2000. Please shorten it and send it again.',
      'Write the announcement (one message, up to 2000 characters).',
    ]);
    const announcement = '周四（12月4日）下午开家长会：请带上孩子的水杯！';
    expect(await say(announcement)).toEqual(['Add the same announcement in another language, so more people read it in their own?']);
    await t.channel.tap(coordinator, 'no');
    expect((await t.channel.tap(coordinator, 'none'))[0]).toContain(`中文:\n${announcement}`);
    await t.channel.tap(coordinator, 'send_now');
    await expect.poll(() => t.channel.textsTo('wang-nainai').at(-1), { timeout: 10_000 }).toBe(announcement);
  });

  it('waits for the end of a recipient’s quiet hours rather than waking them', async () => {
    const nainai = await t.database.prisma.channelIdentity.findFirstOrThrow({ where: { externalId: 'wang-nainai' } });
    const now = new Date();
    const hour = now.getUTCHours(); // nainai lives in Asia/Shanghai: quiet from an hour ago to two hours from now
    const local = (hour + 8) % 24;
    await t.database.prisma.person.update({ where: { id: nainai.personId }, data: { quietStartMinute: ((local + 23) % 24) * 60, quietEndMinute: ((local + 2) % 24) * 60 } });
    const { id } = await t.app.services.broadcasts.draft(wang.coordinatorId, { cohortIds: [wang.cohortId], roles: ['caregiver'], locales: [], texts: { en: 'Quiet please' } });
    await t.app.services.broadcasts.sendNow(wang.coordinatorId, id);
    await t.app.services.broadcasts.fanOut(id);
    const [row] = await t.database.prisma.outboxMessage.findMany({ where: { broadcastId: id } });
    expect(row!.personId).toBe(nainai.personId);
    expect(row!.notBefore.getTime()).toBeGreaterThan(now.getTime() + 60 * 60_000);
    expect(await t.app.services.broadcasts.report(id)).toMatchObject({ status: 'sending', recipients: 1, pending: 1, delivered: 0 });
  });

  it('goes out when its scheduled time comes, and not before', async () => {
    const { id } = await t.app.services.broadcasts.draft(wang.coordinatorId, { cohortIds: [wang.cohortId], roles: ['parent'], locales: ['en'], texts: { en: 'Parents meeting tonight' } });
    await t.app.services.broadcasts.schedule(wang.coordinatorId, id, new Date(clock.now().getTime() + 3_600_000));
    expect(await t.app.services.broadcasts.due()).not.toContain(id);
    await t.app.settled();
    expect(t.channel.textsTo('wang-papa')).not.toContain('Parents meeting tonight');
    clock.advance(3_600_000 + 1_000);
    await expect.poll(() => t.channel.textsTo('wang-papa').at(-1), { timeout: 10_000 }).toBe('Parents meeting tonight');
    expect(t.channel.textsTo('li-mama')).not.toContain('Parents meeting tonight');
  });

  it('reaches each reader once when its fan-out runs again after a crash midway', async () => {
    const { broadcasts } = t.app.services;
    const text = 'Sports day moved to Monday';
    const { id } = await broadcasts.draft(wang.coordinatorId, { cohortIds: [wang.cohortId], roles: ['parent'], locales: [], texts: { en: text, 'zh-CN': '运动会改到周一' } });
    await broadcasts.sendNow(wang.coordinatorId, id);
    // The crashed run had written (and the outbox sent) Wang papa's copy before it died.
    const papa = await t.database.prisma.channelIdentity.findFirstOrThrow({ where: { externalId: 'wang-papa' } });
    await t.database.prisma.outboxMessage.create({
      data: { channel: 'memory', chatId: 'wang-papa', personId: papa.personId, payload: { text }, status: 'sent', broadcastId: id, dedupeKey: `broadcast:${id}:${papa.personId}:0` },
    });
    await broadcasts.fanOut(id);
    // And a fan-out that died after its rows but before marking the broadcast queued runs once more.
    await t.database.prisma.broadcast.update({ where: { id }, data: { queuedAt: null } });
    await broadcasts.fanOut(id);
    await expect.poll(() => t.channel.textsTo('li-mama').filter((said) => said === '运动会改到周一'), { timeout: 10_000 }).toHaveLength(1);
    const rows = await t.database.prisma.outboxMessage.groupBy({ by: ['personId'], where: { broadcastId: id }, _count: true });
    expect(rows.map((row) => row._count)).toEqual([1, 1]);
    expect(t.channel.textsTo('wang-papa')).not.toContain(text);
    expect((await broadcasts.report(id)).recipients).toBe(2);
  });

  it('never lets a coordinator reach or touch a cohort they do not coordinate', async () => {
    const { broadcasts } = t.app.services;
    await expect(broadcasts.draft(elsewhere.coordinatorId, { cohortIds: [wang.cohortId], roles: [], locales: [], texts: { en: 'x' } })).rejects.toBeInstanceOf(NotCoordinatorError);
    await expect(broadcasts.draft(wang.coordinatorId, { cohortIds: [wang.cohortId, elsewhere.cohortId], roles: [], locales: [], texts: { en: 'x' } })).rejects.toBeInstanceOf(NotCoordinatorError);
    const { id } = await broadcasts.draft(wang.coordinatorId, { cohortIds: [wang.cohortId], roles: [], locales: [], texts: { en: 'mine' } });
    await expect(broadcasts.sendNow(elsewhere.coordinatorId, id)).rejects.toBeInstanceOf(BroadcastNotFoundError);
    await expect(broadcasts.cancel(elsewhere.coordinatorId, id)).rejects.toBeInstanceOf(BroadcastNotFoundError);
    expect(await t.channel.say('wang-papa', '/broadcast')).toEqual(['Only coordinators can send announcements, and only to their own groups.']);
  });
});
