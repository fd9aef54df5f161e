import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photosAllowed } from '../../src/features/updates/photo-consent.js';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';

const ASK_XIAOMING_WANG = 'May photos and videos of Xiaoming (Wang family) be shared with the members of that family in Kinbridge? You can change this at any time with /privacy.';

/** Photo consent belongs to one child of one family, decided by that family's parents only. */
describe('photo consent, per family and per child', () => {
  let t: TestApp;
  let wang: SeededFamily;
  let chen: SeededFamily;
  let zhao: SeededFamily;

  beforeAll(async () => {
    t = await startTestApp();
    wang = await t.seedFamily('Wang family');
    chen = await t.seedFamily('Chen family');
    zhao = await t.seedFamily('Zhao family');
    // The Zhao family has twins: each is asked about by name.
    await t.database.prisma.child.create({ data: { familyId: zhao.familyId, cohortId: zhao.cohortId, name: 'Xiaohong', birthDate: new Date('2022-02-02') } });
  });
  afterAll(() => t.close());

  /** Through language, city and quiet hours to the first consent question (or whatever comes instead). */
  async function onboard(who: string, code: string): Promise<string[]> {
    await t.channel.say(who, `/start ${code}`);
    await t.channel.tap(who, 'en');
    await t.channel.say(who, 'Milan');
    return t.channel.tap(who, 'none');
  }

  const childId = async (familyId: string, name: string): Promise<string> =>
    (await t.database.prisma.child.findFirstOrThrow({ where: { familyId, name } })).id;

  it("keeps a parent's no in one family when they say yes in another, as caregiver or as parent", async () => {
    expect(await onboard('li', wang.codes.parent)).toEqual(['OK, I may send messages at any time.', ASK_XIAOMING_WANG]);
    await t.channel.tap('li', 'consent_no');
    expect(await photosAllowed(t.database.prisma, wang.familyId, await childId(wang.familyId, 'Xiaoming'))).toBe(false);

    // Joining another family as caregiver asks nothing about photos: only parents decide.
    const asCaregiver = await onboard('li', chen.codes.caregiver);
    expect(asCaregiver.join('\n')).not.toContain('May photos');
    // Joining a third family as parent asks about each of its children by name, for that family only.
    expect((await onboard('li', zhao.codes.parent)).at(-1)).toBe(
      'May photos and videos of Xiaoming (Zhao family) be shared with the members of that family in Kinbridge? You can change this at any time with /privacy.',
    );
    expect((await t.channel.tap('li', 'consent_yes')).at(-1)).toContain('May photos and videos of Xiaohong (Zhao family)');
    await t.channel.tap('li', 'consent_no');

    expect(await photosAllowed(t.database.prisma, wang.familyId, await childId(wang.familyId, 'Xiaoming'))).toBe(false);
    expect(await photosAllowed(t.database.prisma, zhao.familyId, await childId(zhao.familyId, 'Xiaoming'))).toBe(true);
    expect(await photosAllowed(t.database.prisma, zhao.familyId, await childId(zhao.familyId, 'Xiaohong'))).toBe(false);
    const person = await t.database.prisma.person.findFirstOrThrow({ where: { identities: { some: { externalId: 'li' } } }, include: { consents: true } });
    expect(person.consents.map((c) => c.familyId).sort()).toEqual([wang.familyId, zhao.familyId, zhao.familyId].sort());
    expect(person.consents.every((c) => c.childId !== null)).toBe(true);
  });

  it('does not ask teachers, caregivers or coordinators', async () => {
    for (const [who, code] of [['teacher-wang', wang.codes.teacher], ['nainai-wang', wang.codes.caregiver]] as const) {
      expect((await onboard(who, code)).join('\n')).not.toContain('May photos');
    }
    expect(await t.database.prisma.consent.count({ where: { person: { identities: { some: { externalId: { in: ['teacher-wang', 'nainai-wang'] } } } } } })).toBe(0);
    expect(await t.channel.say('teacher-wang', '/privacy')).toEqual([
      expect.stringContaining('What Kinbridge keeps about you'),
      "Only a child's parents decide about sharing photos, so there is nothing for you to decide here.",
    ]);
  });

  it('shows each decision in /privacy and changes only the one chosen', async () => {
    const [terms, overview] = await t.channel.say('li', '/privacy');
    expect(terms).toContain('90 days');
    expect(terms).toContain('/forget deletes');
    expect(overview).toBe(
      'Photo sharing now:\n' +
        '• Xiaoming (Wang family): photos are not shared\n' +
        '• Xiaoming (Zhao family): photos may be shared\n' +
        '• Xiaohong (Zhao family): photos are not shared\n\n' +
        'Tap a child to change it, or keep everything as it is.',
    );
    const xiaohong = await childId(zhao.familyId, 'Xiaohong');
    expect(await t.channel.tap('li', xiaohong)).toEqual([expect.stringContaining('Xiaohong (Zhao family)')]);
    expect(await t.channel.tap('li', 'consent_yes')).toEqual(['Thank you. Photos of Xiaohong will be shared with the family members only.']);
    expect(await photosAllowed(t.database.prisma, zhao.familyId, xiaohong)).toBe(true);
    expect(await photosAllowed(t.database.prisma, wang.familyId, await childId(wang.familyId, 'Xiaoming'))).toBe(false);
  });

  it('records a decision once, however often it is repeated, and a change of mind as a new one', async () => {
    const xiaohong = await childId(zhao.familyId, 'Xiaohong');
    const li = await t.database.prisma.channelIdentity.findFirstOrThrow({ where: { externalId: 'li' } });
    const history = () => t.database.prisma.consent.findMany({ where: { personId: li.personId, childId: xiaohong }, orderBy: { decidedAt: 'asc' } });
    const before = await history();
    expect(before.at(-1)?.granted).toBe(true);
    expect(await t.app.services.consents.decide(li.personId, 'photo_sharing', xiaohong, true)).toBe(true);
    expect(await history()).toEqual(before);
    await t.app.services.consents.decide(li.personId, 'photo_sharing', xiaohong, false);
    expect((await history()).map((row) => row.granted)).toEqual([...before.map((row) => row.granted), false]);
  });

  it('explains in Chinese too', async () => {
    await t.database.prisma.person.updateMany({ where: { identities: { some: { externalId: 'li' } } }, data: { locale: 'zh-CN' } });
    const [terms, overview] = await t.channel.say('li', '/privacy');
    expect(terms).toContain('存90天');
    expect(terms).toContain('/forget');
    expect(overview).toContain('Xiaoming（Wang family）：不发照片');
  });
});
