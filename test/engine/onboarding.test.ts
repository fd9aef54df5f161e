import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';

describe('onboarding through the real engine, PostgreSQL and Redis', () => {
  let t: TestApp;
  let family: SeededFamily;

  beforeAll(async () => {
    t = await startTestApp();
    family = await t.seedFamily();
  });
  afterAll(() => t.close());

  it('takes a father from an invite code to language, city, quiet hours and consent', async () => {
    const { channel } = t;
    expect(await channel.say('papa', `/start ${family.codes.parent}`)).toEqual([
      'Welcome to the family "Wang family" as parent!',
      'Which language should I use?',
    ]);
    expect(channel.lastTo('papa')?.choices?.map((c) => c.id.split('#')[0])).toEqual(['zh-CN', 'en']);
    expect(await channel.tap('papa', 'en')).toEqual([
      'Which city do you live in now? (For example: Shanghai, Milan, Hechi.) I use it to send messages at good times for you.',
    ]);
    expect(await channel.say('papa', 'Nowhere-on-earth')).toEqual([
      "I don't know that city yet. Please write the name of a big city nearby, in English or Chinese.",
      expect.stringContaining('Which city'),
    ]);
    expect(await channel.say('papa', 'Milnao')).toEqual(['Which one do you mean?']);
    expect(channel.lastTo('papa')?.choices?.map((c) => c.label)).toContain('Milan (Italy)');
    expect((await channel.tap('papa', 'Milan|Italy'))[0]).toMatch(/^Got it: you live in Milan\. It is (\d{1,2}(:\d\d)? (am|pm)|noon) there now\.$/);
    expect(await channel.say('papa', '1')).toEqual(['OK, no messages from 10 pm to 7 am.', expect.stringContaining('May photos')]);
    expect((await channel.tap('papa', 'consent_yes')).slice(0, 2)).toEqual([
      'Thank you. Photos of Xiaoming will be shared with the family members only.',
      'All set! Send /help at any time to see what I can do.',
    ]);
    // A parent is offered a call plan next (an event, so it may arrive just after).
    await expect.poll(() => channel.lastTo('papa')?.text, { timeout: 10_000 }).toContain('How many calls a week');

    const person = await t.database.prisma.person.findFirstOrThrow({ where: { identities: { some: { externalId: 'papa' } } }, include: { memberships: true, consents: true } });
    expect(person).toMatchObject({ locale: 'en', timeZone: 'Europe/Rome', city: 'Milan', quietStartMinute: 22 * 60, quietEndMinute: 7 * 60 });
    expect(person.memberships).toEqual([expect.objectContaining({ familyId: family.familyId, role: 'parent' })]);
    const child = await t.database.prisma.child.findFirstOrThrow({ where: { familyId: family.familyId } });
    expect(person.consents).toEqual([expect.objectContaining({ kind: 'photo_sharing', granted: true, familyId: family.familyId, childId: child.id })]);
    expect((await t.database.prisma.flowSession.findUniqueOrThrow({ where: { personId: person.id } })).flowId).toBe('call-plan');
  });

  it('lets a grandmother do it all in Chinese, typing a full-width code with spaces', async () => {
    const { channel } = t;
    const typed = family.codes.caregiver.replace(/(\d{3})/g, '$1 ').replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    // Someone the bot does not know yet gets one answer, asking for the code, and nothing more until they send it.
    expect(await channel.say('nainai', '你好', 'zh-hans')).toEqual([expect.stringMatching(/^您好！我是亲情桥.*邀请码/)]);
    expect(await channel.say('nainai', '加入', 'zh-hans')).toEqual([]);
    expect(await channel.say('nainai', typed, 'zh-hans')).toEqual(['欢迎您！您加入了Wang family，是在家带孩子的家人。', '您想用哪种话？']);
    await channel.say('nainai', '1', 'zh-hans');
    const [saved, next] = await channel.say('nainai', '广西河池', 'zh-hans');
    expect(saved).toMatch(/^记住了，您在河池。您那里现在是(半夜|早上|上午|中午|下午|晚上)\d{1,2}点(半|\d{1,2}分)?。$/);
    expect(next).toBe('什么时候不要给您发消息？');
    // The father, already in the family, hears about the newcomer (an event turned into a flow through BullMQ).
    await expect.poll(() => t.channel.textsTo('papa'), { timeout: 10_000 }).toContain('nainai has joined your family as caregiver.');
  });

  it('pauses a question for /help and asks it again afterwards', async () => {
    const { channel } = t;
    await channel.say('teacher', `/start ${family.codes.teacher}`);
    const answer = await channel.say('teacher', '/help');
    expect(answer[0]).toContain('/family – see your family');
    expect(answer[1]).toBe('Which language should I use?');
    expect(await channel.say('teacher', '/frobnicate')).toEqual([
      "I don't know the command /frobnicate. Send a photo or a voice message and it goes to the child's parents. Send /progress to tell each family about their child's week.",
      'Which language should I use?',
    ]);
    expect(await channel.tap('teacher', 'en')).toEqual([expect.stringContaining('Which city')]);
  });

  it('re-asks on answers that do not fit and gives up kindly after three', async () => {
    const { channel } = t;
    const other = await t.seedFamily('Li family');
    await channel.say('uncle', `/start ${other.codes.parent}`);
    expect(await channel.tap('uncle', 'forged-button')).toEqual(['That question is closed, so that button does nothing now.']);
    expect(await channel.say('uncle', '7')).toEqual(['Please tap one of the buttons, or send its number.', 'Which language should I use?']);
    expect(await channel.say('uncle', '8')).toEqual(['Please tap one of the buttons, or send its number.', 'Which language should I use?']);
    expect(await channel.say('uncle', 'x'.repeat(100_000))).toEqual(["Let's leave this for now. Send /help whenever you want to try again."]);
    expect(await channel.say('uncle', 'hello?')).toEqual(['Hello uncle! I am here. When a moment comes from home, tap ❤️ or 💬 under it to answer. Send /calls to plan calls with your child, or /help to see more.']);
  });

  it('stops everything on /stop until the person sends /start', async () => {
    const { channel } = t;
    expect(await channel.say('papa', '/stop')).toEqual(['You will not receive any more messages. Send /start whenever you want to come back.']);
    expect(await channel.say('papa', '/family')).toEqual(['Messages are switched off. Send /start to switch them on again.']);
    // Proactive messages (events) are not delivered while opted out.
    const before = channel.textsTo('papa').length;
    const other = await t.seedFamily('Zhao family');
    await t.app.services.events.publish({ name: 'family.member_joined', personIds: [(await personId('papa'))], vars: { joiner_name: 'X', joiner_role: 'parent' } });
    await channel.say('someone', `/start ${other.codes.parent}`);
    await t.app.settled();
    expect(channel.textsTo('papa').length).toBe(before);
    expect(await channel.say('papa', '/start')).toEqual(['Welcome back! Messages are switched on again. Send /help to see what I can do.']);
    expect((await channel.say('papa', '/family'))[0]).toContain('Family "Wang family"');
  });

  async function personId(externalId: string): Promise<string> {
    const identity = await t.database.prisma.channelIdentity.findFirstOrThrow({ where: { externalId } });
    return identity.personId;
  }
});
