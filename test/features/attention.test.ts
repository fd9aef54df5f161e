import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttentionNotFoundError, AttentionOwnerError } from '../../src/features/attention/attention-items.js';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';

const MINUTE = 60_000;

/** The needs-attention list: who is told, who may see and act, what the trail keeps, and when untaken items come back. */
describe('needs attention', () => {
  let t: TestApp;
  const clock = new TestClock(new Date('2026-12-01T02:00:00Z'));
  let wang: SeededFamily;
  let li: SeededFamily;
  const ids: Record<string, string> = {};

  const idOf = async (chatId: string): Promise<string> =>
    (await t.database.prisma.person.findFirstOrThrow({ where: { identities: { some: { externalId: chatId } } } })).id;

  beforeAll(async () => {
    t = await startTestApp({ clock, attention: { escalateAfterMs: { urgent: 30 * MINUTE, normal: 3 * 24 * 60 * MINUTE }, maxEscalations: 2 } });
    wang = await t.seedFamily('Wang family');
    li = await t.seedFamily('Li family');
    // Lan coordinates the Wang family's cohort (in Chinese), Zhou the Li family's; Ms Tan teaches at the Wang family.
    await t.channel.say('lan', `/start ${(await t.app.services.invites.issue({ role: 'coordinator', cohortId: wang.cohortId })).code}`);
    await t.channel.say('zhou', `/start ${(await t.app.services.invites.issue({ role: 'coordinator', cohortId: li.cohortId })).code}`);
    await t.onboard('tan', wang.codes.teacher, { locale: 'en', city: 'Hechi', quiet: '22-7' });
    await t.onboard('papa', wang.codes.parent, { locale: 'en', city: 'Milan', quiet: '22-7', consent: 'consent_yes' });
    for (const name of ['lan', 'zhou', 'tan', 'papa']) ids[name] = await idOf(name);
    await t.database.prisma.person.update({ where: { id: ids.lan }, data: { locale: 'zh-CN' } });
    await t.app.settled();
  });
  afterAll(() => t.close());

  const raiseWorry = (audience: 'coordinators' | 'coordinators_and_teachers', dedupeKey?: string) =>
    t.app.services.attention.raise({
      kind: 'test_worry',
      familyId: wang.familyId,
      subjectPersonId: ids.papa,
      urgent: true,
      audience,
      details: { person_name: 'papa' },
      excerpt: 'the words papa wrote',
      ...(dedupeKey ? { dedupeKey } : {}),
    });

  it('tells the cohort’s coordinators in their own language, once per open key, and nobody of another cohort or family', async () => {
    const before = { zhou: t.channel.textsTo('zhou').length, papa: t.channel.textsTo('papa').length, tan: t.channel.textsTo('tan').length };
    const first = await raiseWorry('coordinators', 'worry:1');
    const again = await raiseWorry('coordinators', 'worry:1');
    expect(again).toEqual({ id: first.id, raised: false });
    await t.app.settled();

    expect(t.channel.textsTo('lan').slice(-2)).toEqual([
      expect.stringMatching(/^有件事需要关注：\n• ❗Wang family：有件事需要您看一看（从2026年12月1日起）\n对方写的是：“the words papa wrote”（只有负责人能看到）$/),
      '您能来跟进这件事吗（Wang family）？发送 /alerts 可以看到所有还没处理的事。',
    ]);
    expect(t.channel.textsTo('zhou').length).toBe(before.zhou);
    expect(t.channel.textsTo('papa').length).toBe(before.papa);
    expect(t.channel.textsTo('tan').length).toBe(before.tan);
    // The words stay out of the coordinator's session and out of the stored message.
    const stored = await t.database.prisma.outboxMessage.findMany({ where: { chatId: 'lan' }, select: { payload: true } });
    expect(JSON.stringify(stored)).not.toContain('the words papa wrote');
    expect(JSON.stringify(await t.database.prisma.flowSession.findMany())).not.toContain('the words papa wrote');
  });

  it('answers another cohort’s coordinator, a parent and a teacher exactly as for an item that does not exist', async () => {
    const { id } = await raiseWorry('coordinators');
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const outsider of [ids.zhou!, ids.papa!, ids.tan!]) {
      for (const itemId of [id, unknown]) {
        await expect(t.app.services.attention.find(outsider, itemId)).rejects.toThrow(AttentionNotFoundError);
        await expect(t.app.services.attention.acknowledge(outsider, itemId)).rejects.toThrow(AttentionNotFoundError);
        await expect(t.app.services.attention.addNote(outsider, itemId, 'peeking')).rejects.toThrow(AttentionNotFoundError);
      }
      expect((await t.app.services.attention.openFor(outsider)).map((item) => item.id)).not.toContain(id);
    }
    expect(await t.channel.say('zhou', '/alerts')).toEqual(['Nothing needs attention. Every family you look after is in touch.']);
    // (Papa's call-plan question, interrupted by /alerts, comes back after the answer.)
    expect((await t.channel.say('papa', '/alerts'))[0]).toBe('This list is for the coordinators and teachers who look after families.');
    expect(await t.app.services.attention.find(ids.lan!, id)).toMatchObject({ id, excerpt: 'the words papa wrote' });
  });

  it('shows an item meant for teachers too to the family’s teacher, without the private words', async () => {
    const { id } = await raiseWorry('coordinators_and_teachers');
    await t.app.settled();
    expect(t.channel.textsTo('tan').slice(-2)).toEqual([
      expect.stringMatching(/^Needs attention:\n• ❗Wang family: something needs a look \(since Dec 1, 2026\)$/),
      'Will you look after this (Wang family)? Send /alerts to see everything open.',
    ]);
    const seenByTeacher = await t.app.services.attention.find(ids.tan!, id);
    expect(seenByTeacher.excerpt).toBeUndefined();
    // The teacher may own it; the other cohort's coordinator may not be made its owner.
    await t.app.services.attention.assign(ids.lan!, id, ids.tan!);
    await expect(t.app.services.attention.assign(ids.lan!, id, ids.zhou!)).rejects.toThrow(AttentionOwnerError);
    await t.app.services.attention.addNote(ids.tan!, id, 'I will visit on Friday');
    await t.app.services.attention.setStatus(ids.tan!, id, 'in_progress');
    const item = await t.app.services.attention.find(ids.lan!, id);
    expect(item).toMatchObject({ status: 'in_progress', ownerName: 'tan', notes: [{ author: 'tan', text: 'I will visit on Friday' }] });
    expect(item.trail.map((event) => [event.actor, event.action])).toEqual([
      [null, 'raised'],
      ['lan', 'assigned'],
      ['tan', 'noted'],
      ['tan', 'status'],
    ]);
  });

  it('tells the coordinators again when nobody took an urgent item in time, a limited number of times, and not once it is taken', async () => {
    await t.database.prisma.attentionItem.updateMany({ data: { status: 'closed' } });
    const { id } = await raiseWorry('coordinators');
    const { id: taken } = await raiseWorry('coordinators', 'taken-at-once');
    await t.app.services.attention.acknowledge(ids.lan!, taken);
    await t.app.settled();
    const told = () => t.channel.textsTo('lan').filter((text) => text.startsWith('您能来跟进')).length;
    const before = told();

    clock.advance(29 * MINUTE);
    expect(await t.app.services.attention.escalateUntaken()).toBe(0);
    clock.advance(MINUTE);
    expect(await t.app.services.attention.escalateUntaken()).toBe(1);
    await t.app.settled();
    expect(told()).toBe(before + 1);
    clock.advance(60 * MINUTE);
    expect(await t.app.services.attention.escalateUntaken()).toBe(1);
    clock.advance(60 * MINUTE);
    expect(await t.app.services.attention.escalateUntaken()).toBe(0);
    await t.app.settled();
    expect(told()).toBe(before + 2);
    const trail = (await t.app.services.attention.find(ids.lan!, id)).trail.map((event) => event.action);
    expect(trail).toEqual(['raised', 'escalated', 'escalated']);
    expect((await t.app.services.attention.find(ids.lan!, taken)).trail.map((event) => event.action)).toEqual(['raised', 'acknowledged']);
  });

  it('lets a coordinator take an item by its button, and tells the next one who took it', async () => {
    await t.database.prisma.attentionItem.updateMany({ data: { status: 'closed' } });
    const coordinator2 = await t.app.services.invites.issue({ role: 'coordinator', cohortId: wang.cohortId });
    await t.channel.say('mei', `/start ${coordinator2.code}`);
    await raiseWorry('coordinators');
    await t.app.settled();
    expect(await t.channel.tap('mei', 'take')).toEqual(['Thank you. It is yours now; the others can see that you are on it.']);
    // (A question about an earlier item may follow: it was paused, not forgotten.)
    expect((await t.channel.tap('lan', 'take'))[0]).toBe('mei已经在跟进了。谢谢您！');
    expect((await t.channel.say('lan', '/alerts'))[0]).toMatch(/^需要关注的事：\n• ❗Wang family：有件事需要您看一看（从.+起）——mei在跟进$/);
  });
});
