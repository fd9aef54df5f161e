import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { deriveSecretKeys } from '../../src/core/secret-keys.js';
import { FamilyService, NotCoordinatorError } from '../../src/features/families/families.js';
import { generateInviteCode, hashInviteCode, INVITE_CODE_DIGITS, normaliseInviteCode } from '../../src/features/families/invite-code.js';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';

const SECRET = 'invites-test-secret-at-least-32-characters';
const WRONG = "That code doesn't work. Please check the digits and send it again.";
const ASK_CODE = 'Please send the invite code you received from your kindergarten or coordinator (15 digits).';

describe('invite codes', () => {
  it('carry at least 40 bits of entropy, in digits only', () => {
    expect(INVITE_CODE_DIGITS * Math.log2(10)).toBeGreaterThanOrEqual(40);
    const codes = new Set(Array.from({ length: 20_000 }, generateInviteCode));
    expect(codes.size).toBe(20_000);
    for (const code of [...codes].slice(0, 100)) expect(code).toMatch(/^\d{15}$/);
  });

  it('accept what people actually type and nothing else', () => {
    expect(normaliseInviteCode('123 456-789 012 345')).toBe('123456789012345');
    expect(normaliseInviteCode('１２３４５６７８９０１２３４５')).toBe('123456789012345');
    expect(normaliseInviteCode('12345678901234')).toBeUndefined();
    expect(normaliseInviteCode("123456789012345' OR 1=1")).toBeUndefined();
  });
});

describe('joining a family: attacks on invite codes', () => {
  const clock = new TestClock(new Date());
  let t: TestApp;
  let family: SeededFamily;

  beforeAll(async () => {
    t = await startTestApp({ clock, guessLimits: { failures: 5, windowSeconds: 2 }, secret: SECRET });
    family = await t.seedFamily();
  });
  afterAll(() => t.close());

  it('stores only a keyed hash of each code, which nobody can recompute without the deployment secret', async () => {
    const rows = await t.database.prisma.invite.findMany({ where: { familyId: family.familyId } });
    const codes = Object.values(family.codes);
    const { inviteCodeKey } = deriveSecretKeys(SECRET);
    expect(rows.map((row) => row.codeHash).sort()).toEqual(codes.map((code) => hashInviteCode(code, inviteCodeKey)).sort());
    expect(JSON.stringify(rows)).not.toContain(family.codes.parent);
    // Hashing all 10^15 codes offline finds none of them: plain SHA-256 (salted or not) is not what is stored.
    const stored = new Set(rows.map((row) => row.codeHash));
    for (const code of codes) {
      expect(stored.has(createHash('sha256').update(code).digest('hex'))).toBe(false);
      expect(stored.has(createHash('sha256').update(`kinbridge-invite:${code}`).digest('hex'))).toBe(false);
      expect(stored.has(hashInviteCode(code, deriveSecretKeys(`${SECRET}-other`).inviteCodeKey))).toBe(false);
    }
  });

  it('never keeps a working code in clear in the outbox: /newfamily seals the codes, then keeps a placeholder', async () => {
    const coordinator = await t.database.prisma.person.findUniqueOrThrow({ where: { id: family.coordinatorId } });
    await t.database.prisma.channelIdentity.create({ data: { channel: 'memory', externalId: 'coord-codes', personId: coordinator.id } });
    await t.channel.say('coord-codes', '/newfamily');
    await t.channel.say('coord-codes', 'Li family');
    await t.channel.say('coord-codes', 'Xiaohong');
    await t.channel.say('coord-codes', '2022-01-02');
    const [created] = await t.channel.say('coord-codes', '-');
    const sentCodes = [...created!.matchAll(/\d{3} \d{3} \d{3} \d{3} \d{3}/g)].map((match) => match[0].replaceAll(' ', ''));
    expect(sentCodes).toHaveLength(3);
    const stored = JSON.stringify(await t.database.prisma.outboxMessage.findMany({ where: { chatId: 'coord-codes' }, select: { payload: true } }));
    const sessions = JSON.stringify(await t.database.prisma.flowSession.findMany());
    for (const code of sentCodes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replace(/(\d{3})(?=\d)/g, '$1 '));
      expect(sessions).not.toContain(code);
    }
    expect(stored).toContain('(codes removed after sending)');
    expect(stored).not.toContain('sealedText');
    // The codes that went out work.
    expect((await t.channel.say('li-parent', `/start ${sentCodes[0]}`))[0]).toContain('Welcome to the family "Li family"');
  });

  it('refuses a wrong code once, and keeps nothing about the stranger who sent it', async () => {
    expect(await t.channel.say('stranger', '/start 000000000000000')).toEqual([WRONG]);
    expect(await t.channel.say('stranger', 'let me in')).toEqual([]);
    expect(await t.database.prisma.channelIdentity.count({ where: { externalId: 'stranger' } })).toBe(0);
  });

  it('refuses a wrong code of a known person and asks again', async () => {
    expect((await t.channel.say('joined-once', `/start ${(await t.seedFamily('First family')).codes.caregiver}`))[0]).toContain('Welcome');
    expect(await t.channel.say('joined-once', '/start 000000000000000')).toEqual([WRONG, ASK_CODE]);
  });

  it('rate-limits guessing per person, even when the right code finally comes', async () => {
    for (let i = 0; i < 5; i++) await t.channel.say('guesser', `/start ${String(100_000_000_000_000 + i)}`);
    // A stranger had their one answer with the first wrong code; now even the right one is not heard.
    expect(await t.channel.say('guesser', `/start ${family.codes.parent}`)).toEqual([]);
    expect(await t.database.prisma.familyMember.count({ where: { familyId: family.familyId, role: 'parent' } })).toBe(0);
    // Once the window has passed the real code works, and it was not spent by the refused attempt.
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    expect((await t.channel.say('guesser', `/start ${family.codes.parent}`))[0]).toBe('Welcome to the family "Wang family" as parent!');
  });

  it('lets a code be used once only', async () => {
    expect((await t.channel.say('first', `/start ${family.codes.teacher}`))[0]).toContain('as teacher');
    expect(await t.channel.say('second', `/start ${family.codes.teacher}`)).toEqual([
      'That code has already been used. Each code works once – please ask your coordinator for your own code.',
    ]);
  });

  it('tells someone already in that a spent code is spent, without keeping them at the code prompt', async () => {
    const other = await t.seedFamily('Spent family');
    await t.channel.say('spender', `/start ${other.codes.parent}`);
    expect(await t.channel.say('first', `/start ${other.codes.parent}`)).toEqual(['That code has already been used, and you are already in your family. Send /family to see it.']);
    // What they write next is no guess: five more messages, and a fresh code still works.
    for (let i = 0; i < 5; i++) await t.channel.say('first', `hello ${i}`);
    expect((await t.channel.say('first', `/start ${other.codes.caregiver}`))[0]).toBe('Welcome to the family "Spent family" as caregiver!');
  });

  it('lets exactly one of two people racing for the same code in', async () => {
    const other = await t.seedFamily('Race family');
    const results = await Promise.all(['racer-a', 'racer-b', 'racer-c'].map((who) => t.channel.say(who, `/start ${other.codes.caregiver}`)));
    expect(results.filter((texts) => texts[0]?.includes('Welcome to the family'))).toHaveLength(1);
    expect(await t.database.prisma.familyMember.count({ where: { familyId: other.familyId, role: 'caregiver' } })).toBe(1);
  });

  it('refuses a code after it expired (72 hours by default)', async () => {
    const other = await t.seedFamily('Late family');
    clock.advance(72 * 3_600_000 + 1_000);
    expect(await t.channel.say('late', `/start ${other.codes.parent}`)).toEqual([
      'That code has expired. Please ask your coordinator for a new one, then send it here.',
    ]);
  });
});

describe('family boundaries', () => {
  let t: TestApp;
  let familyA: SeededFamily;
  let familyB: SeededFamily;

  beforeAll(async () => {
    t = await startTestApp();
    familyA = await t.seedFamily('Chen family');
    familyB = await t.seedFamily('Huang family');
    await t.channel.say('a-parent', `/start ${familyA.codes.parent}`);
    await t.channel.say('a-parent', '/stop');
    await t.channel.say('a-parent', '/start');
    await t.channel.say('b-parent', `/start ${familyB.codes.parent}`);
  });
  afterAll(() => t.close());

  it('shows a member their own family', async () => {
    const [summary] = await t.channel.say('a-parent', '/family');
    expect(summary).toContain('Chen family');
    expect(summary).toContain('Xiaoming');
    expect(summary).not.toContain('Huang family');
  });

  it('answers a member of family A asking for family B exactly as for a family that does not exist', async () => {
    const forB = await t.channel.say('a-parent', `/family ${familyB.familyId}`);
    const forNothing = await t.channel.say('a-parent', '/family 00000000-0000-4000-8000-000000000000');
    expect(forB).toEqual(["I can't find that family among yours. Send /start with an invite code to join your family."]);
    expect(forNothing).toEqual(forB);
    expect(t.channel.textsTo('a-parent').join('\n')).not.toContain('Huang');
  });

  it('never lets someone outside a cohort register families in it', async () => {
    expect(await t.channel.say('a-parent', '/newfamily')).toEqual([
      'Only coordinators can register families. If you are one, ask for a coordinator invite code.',
    ]);
    const families = new FamilyService(t.database.prisma, t.app.services.invites, t.app.services.clock);
    await expect(
      families.create(familyA.coordinatorId, { name: 'Intruder', cohortId: familyB.cohortId, children: [] }),
    ).rejects.toBeInstanceOf(NotCoordinatorError);
    expect(await families.summariesFor(familyA.coordinatorId, familyB.familyId)).toEqual([]);
  });

  it('rejects a forged button naming another cohort', async () => {
    const coordinator = await t.database.prisma.person.findUniqueOrThrow({ where: { id: familyA.coordinatorId } });
    await t.database.prisma.channelIdentity.create({ data: { channel: 'memory', externalId: 'coord-a', personId: coordinator.id } });
    const second = await t.database.prisma.cohort.create({ data: { name: `Second cohort ${t.redisPrefix}` } });
    await t.database.prisma.cohortCoordinator.create({ data: { cohortId: second.id, personId: coordinator.id } });
    expect(await t.channel.say('coord-a', '/newfamily')).toEqual(['Which group is this family in?']);
    expect(await t.channel.tap('coord-a', familyB.cohortId)).toEqual(['That question is closed, so that button does nothing now.']);
    expect(await t.database.prisma.family.count({ where: { cohortId: familyB.cohortId } })).toBe(1);
  });
});
