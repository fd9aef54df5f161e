import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonView } from '../../src/core/flow-action.js';
import { livingActions } from '../../src/features/living/living-actions.js';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';

/**
 * Only a child's parents and the coordinators of the family's cohort may say where the child lives. Family B's
 * father, another cohort's coordinator, the child's own grandmother and a forged id all get what an unknown child
 * gets, and nothing is recorded.
 */
describe('who may record where a child lives', () => {
  let t: TestApp;
  let wang: SeededFamily;
  let li: SeededFamily;
  let wangChild: string;
  const people: Record<string, PersonView> = {};
  const clock = new TestClock(new Date('2026-11-23T10:00:00Z'));

  beforeAll(async () => {
    t = await startTestApp({ clock, reminderSweepEveryMs: 0 });
    wang = await t.seedFamily('Wang family');
    li = await t.seedFamily('Li family');
    await t.onboard('nainai', wang.codes.caregiver, { locale: 'zh-CN', city: '河池', quiet: '21-8' });
    await t.onboard('wei', wang.codes.parent, { locale: 'en', city: 'Milan', quiet: '22-7', consent: 'consent_no' });
    await t.onboard('chen', li.codes.parent, { locale: 'en', city: 'Rome', quiet: '22-7', consent: 'consent_no' });
    await t.channel.say('lan', `/start ${(await t.app.services.invites.issue({ role: 'coordinator', cohortId: wang.cohortId })).code}`);
    await t.channel.say('zhou', `/start ${(await t.app.services.invites.issue({ role: 'coordinator', cohortId: li.cohortId })).code}`);
    await t.app.settled();
    await t.database.prisma.flowSession.deleteMany({});
    for (const name of ['nainai', 'wei', 'chen', 'lan', 'zhou']) {
      const { person } = await t.database.prisma.channelIdentity.findFirstOrThrow({ where: { externalId: name }, include: { person: true } });
      people[name] = person;
    }
    wangChild = (await t.database.prisma.child.findFirstOrThrow({ where: { familyId: wang.familyId } })).id;
  });
  afterAll(() => t.close());

  async function run(name: string, person: PersonView, args: Record<string, unknown>) {
    const action = livingActions.find((each) => each.name === name)!;
    return (await action.run(t.app.services, { person, args, vars: {} })).outcome;
  }

  it('answers family B’s father, another cohort’s coordinator, the grandmother and a forged id alike: not found', async () => {
    const intruders = [people.chen!, people.zhou!, people.nainai!];
    for (const person of intruders) {
      expect(await run('living.places', person, { child_id: wangChild })).toBe('not_found');
      expect(await run('living.describeMove', person, { child_id: wangChild, destination: 'home' })).toBe('not_found');
      expect(await run('living.move', person, { child_id: wangChild, destination: { parentId: person.id } })).toBe('not_found');
      expect(await run('living.move', person, { child_id: wangChild, destination: people.wei!.id })).toBe('not_found');
    }
    for (const forged of [randomUUID(), 'not-a-uuid', '']) {
      expect(await run('living.places', people.wei!, { child_id: forged })).toBe('not_found');
      expect(await run('living.move', people.wei!, { child_id: forged, destination: people.wei!.id })).toBe('not_found');
    }
    // The father himself may not send his child to live with a parent of another family.
    expect(await run('living.move', people.wei!, { child_id: wangChild, destination: people.chen!.id })).toBe('not_found');
    expect(await t.database.prisma.childStay.count()).toBe(0);
  });

  it('tells a grandmother, in her words, that this is not hers to change, as it tells the other family’s father', async () => {
    expect(await t.channel.say('nainai', '/moved', 'zh-CN')).toEqual(['这里没有您能改的孩子。孩子住在哪儿，要孩子的爸爸妈妈，或者管这个家庭的老师来告诉我。']);
    // Family B's father sees his own child only, never Xiaoming of the Wang family.
    await t.channel.say('chen', '/moved');
    expect(t.channel.lastTo('chen')?.choices?.map((choice) => choice.label)).toEqual(['With me now']);
    const chenChildren = await t.app.services.living.moves.childrenFor(people.chen!.id);
    expect(chenChildren.map((child) => child.familyName)).toEqual(['Li family']);
  });

  it('lets the family’s cohort coordinator record the move; the father and grandmother each hear it in their words', async () => {
    expect(await t.channel.say('lan', '/moved')).toEqual(['Where does Xiaoming live now? So far I have: at home with the family.']);
    expect(t.channel.lastTo('lan')?.choices?.map((choice) => choice.label)).toEqual(['With wei now']);
    const choice = t.channel.lastTo('lan')!.choices![0]!;
    expect(await t.channel.deliver('lan', { kind: 'choice', choiceId: choice.id })).toEqual([
      'From today Xiaoming lives with wei. While they are together wei gets no call reminders, and the weekly play ideas go to wei.\n\nIs that right?',
    ]);
    const yes = t.channel.lastTo('lan')!.choices!.find((each) => each.label === "Yes, that's right")!;
    expect(await t.channel.deliver('lan', { kind: 'choice', choiceId: yes.id })).toEqual(['Saved. I told the rest of the family.']);
    await t.app.settled();
    expect(t.channel.textsTo('wei').at(-1)).toBe(
      'lan let me know: Xiaoming now lives with you. While you are together I will not remind you to call, and the weekly play ideas come to you.',
    );
    expect(t.channel.textsTo('nainai').at(-1)).toBe('lan告诉我：Xiaoming现在跟wei住在一起了。这段时间，每个星期的游戏讲给wei听。');
    // Nothing of it reaches the other family.
    expect(t.channel.textsTo('chen').some((text) => text.includes('Xiaoming now lives'))).toBe(false);
    expect(await t.app.services.living.whereabouts.livingWith([wangChild])).toEqual(new Map([[wangChild, people.wei!.id]]));
  });

  it('tells a coordinator plainly when no parent of the child has joined yet', async () => {
    const chenChild = (await t.database.prisma.child.findFirstOrThrow({ where: { familyId: li.familyId } })).id;
    await t.database.prisma.familyMember.deleteMany({ where: { familyId: li.familyId, role: 'parent' } });
    expect(await run('living.places', people.zhou!, { child_id: chenChild })).toBe('no_parent');
    expect(await t.channel.say('zhou', '/moved')).toEqual(['No parent of Xiaoming has joined Kinbridge yet, so there is nobody I could note Xiaoming living with.']);
  });
});
