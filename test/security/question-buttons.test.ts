import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';

const CLOSED = 'That question is closed, so that button does nothing now.';

/** Buttons are bound to the one question they were sent with: stale, foreign, replayed or forged ones change nothing. */
describe('buttons bound to their question', () => {
  let t: TestApp;
  let family: SeededFamily;

  beforeAll(async () => {
    t = await startTestApp();
    family = await t.seedFamily();
  });
  afterAll(() => t.close());

  /** The id behind the latest button `choiceId` the bot sent to `person`. */
  const buttonId = (person: string, choiceId: string): string =>
    t.channel.delivered.filter((d) => d.chatId === person).flatMap((d) => d.message.choices ?? []).findLast((choice) => choice.id.startsWith(`${choiceId}#`))!.id;
  const consents = (): Promise<number> => t.database.prisma.consent.count();

  async function toConsentQuestion(who: string, code: string): Promise<string> {
    await t.channel.say(who, `/start ${code}`);
    const english = buttonId(who, 'en');
    await t.channel.deliver(who, { kind: 'choice', choiceId: english });
    await t.channel.say(who, 'Milan');
    await t.channel.tap(who, 'none');
    expect(t.channel.lastTo(who)?.text).toContain('May photos');
    return english;
  }

  it('refuses stale, foreign, bare and replayed buttons at the consent question, and takes its own once', async () => {
    const staleLanguageButton = await toConsentQuestion('papa', family.codes.parent);
    const other = await t.seedFamily('Li family');
    await toConsentQuestion('other-papa', other.codes.parent);
    const foreignYes = buttonId('other-papa', 'consent_yes');

    for (const forged of [staleLanguageButton, foreignYes, 'consent_yes', 'yes', `consent_yes#${'A'.repeat(8)}`]) {
      expect(await t.channel.deliver('papa', { kind: 'choice', choiceId: forged })).toEqual([CLOSED]);
    }
    expect(await consents()).toBe(0);
    expect(t.channel.lastTo('papa')?.text).toBe(CLOSED);

    const ownNo = buttonId('papa', 'consent_no');
    // The bot repeated nothing, so the question's own buttons (sent before) still answer it.
    await t.channel.deliver('papa', { kind: 'choice', choiceId: ownNo });
    expect(await consents()).toBe(1);
    // Joining goes on by itself (the call plan question comes as an event): let it finish first.
    await t.app.settled();
    // Once answered, the same button is spent: tapping it again (or the other one) changes nothing.
    expect(await t.channel.deliver('papa', { kind: 'choice', choiceId: ownNo })).toEqual([CLOSED]);
    expect(await consents()).toBe(1);
  });

  it('keeps consent answers apart from every other question: no flow uses consent_yes or consent_no elsewhere', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const flowsDir = new URL('../../flows/', import.meta.url);
    const users = readdirSync(flowsDir).filter((file) => /\bconsent_(yes|no)\b/.test(readFileSync(new URL(file, flowsDir), 'utf8')));
    expect(users.sort()).toEqual(['onboarding.yaml', 'privacy.yaml']);
  });
});
