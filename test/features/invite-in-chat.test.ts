import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';

/** A coordinator hands a grandmother a fresh code from chat, after the first one expired or was lost. */
describe('/invite in chat', () => {
  let t: TestApp;
  let wang: SeededFamily;

  beforeAll(async () => {
    t = await startTestApp();
    wang = await t.seedFamily('Wang family');
    // A second family in the coordinator's cohort, and one in a cohort they do not run.
    await t.app.services.families.create(wang.coordinatorId, { name: 'Li family', cohortId: wang.cohortId, children: [] });
    await t.seedFamily('Zhao family');
    await t.database.prisma.channelIdentity.create({ data: { channel: 'memory', externalId: 'lan', personId: wang.coordinatorId } });
  });
  afterAll(() => t.close());

  it('lets the coordinator pick a family of their groups and a role, and gives a code that joins that family', async () => {
    expect(await t.channel.say('lan', '/invite')).toEqual(['Which family is the new code for?']);
    expect(t.channel.lastTo('lan')?.choices?.map((choice) => choice.label)).toEqual(['Wang family', 'Li family']);
    expect(await t.channel.tap('lan', wang.familyId)).toEqual(['Who is it for?']);
    const [issued] = await t.channel.tap('lan', 'caregiver');
    expect(issued).toMatch(/^Here is a new code\. Give it to that person \(it works once, until .+\):\n\ncaregiver: [\d ]+$/);

    const code = /caregiver: ([\d ]+)$/.exec(issued!)![1]!;
    await t.onboard('nainai', code, { locale: 'zh-CN', city: '河池', quiet: '21-8' });
    const nainai = await t.database.prisma.channelIdentity.findFirstOrThrow({ where: { channel: 'memory', externalId: 'nainai' } });
    const memberships = await t.database.prisma.familyMember.findMany({ where: { personId: nainai.personId } });
    expect(memberships.map((m) => [m.familyId, m.role])).toEqual([[wang.familyId, 'caregiver']]);
    // Joining starts her play plan a moment later (an event): wait for its question, so the next answer is only /invite's.
    await t.app.settled();
    expect(t.channel.textsTo('nainai').at(-1)).toContain('哪一天给您讲好');
  });

  it('tells someone who runs no group, kindly, that codes come from coordinators', async () => {
    expect(await t.channel.say('nainai', '/invite')).toEqual(['只有小组负责人才能发邀请码。如果您是负责人，请先要一个负责人邀请码。']);
  });
});
