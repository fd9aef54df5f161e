import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';

/**
 * A father on a channel that lists buttons as numbers (console, WeChat) answers his mother's moment by typing:
 * the number or the label of a button works like tapping it, and a plain text goes back to her.
 */
describe('answering a moment by typing', () => {
  const clock = new TestClock(new Date('2026-12-01T10:00:00Z'));
  let t: TestApp;
  let family: SeededFamily;
  const saidTo = (person: string) => t.channel.textsTo(person);

  beforeAll(async () => {
    t = await startTestApp({ clock });
    family = await t.seedFamily('Wang family');
    await t.onboard('nainai', family.codes.caregiver, { locale: 'zh-CN', city: '河池', quiet: '21-8' });
    await t.onboard('wei', family.codes.parent, { locale: 'en', city: 'Milan', quiet: '22-7', consent: 'consent_no' });
  });
  afterAll(() => t.close());

  async function momentFromNainai(text: string): Promise<void> {
    await t.channel.say('nainai', `/share ${text}`);
    await expect.poll(() => t.channel.lastTo('wei')?.text ?? '', { timeout: 10_000 }).toContain(text);
    expect(t.channel.lastTo('wei')?.choices?.map((choice) => choice.label)).toEqual(['❤️', '💬 Answer']);
  }

  it('first settles the call plan he is offered on joining, so no question of it waits for his answer', async () => {
    await expect.poll(() => t.channel.lastTo('wei')?.text ?? '', { timeout: 10_000 }).toContain('How many calls a week');
    await t.channel.say('wei', '2');
    expect(await t.channel.say('wei', 'yes')).toEqual([expect.stringContaining('I will remind you shortly before each time')]);
  });

  it('takes the number 1 and the ❤️ label as the heart', async () => {
    await momentFromNainai('小明今天自己吃饭了。');
    expect(await t.channel.say('wei', '1')).toEqual(['❤️ sent to nainai.']);
    await expect.poll(() => saidTo('nainai').at(-1), { timeout: 10_000 }).toBe('wei发来了 ❤️');
    expect(await t.channel.say('wei', '❤')).toEqual(['❤️ sent to nainai.']);
  });

  it('takes the label 💬 Answer as the answer button, then carries his text back', async () => {
    await momentFromNainai('小明会写自己的名字了。');
    expect(await t.channel.say('wei', '💬 Answer')).toEqual(['Send your answer to nainai: a text, a voice message or a sticker.']);
    expect(await t.channel.say('wei', 'So proud of him!')).toEqual(['Your answer is on its way to nainai.']);
    await expect.poll(() => saidTo('nainai').at(-1), { timeout: 10_000 }).toBe('wei说：So proud of him!');
  });

  it('carries a plain text sent right after a moment back to whoever sent it', async () => {
    await momentFromNainai('今天下雪了。');
    expect(await t.channel.say('wei', 'Keep him warm, Mum')).toEqual(['Your answer is on its way to nainai.']);
    await expect.poll(() => saidTo('nainai').at(-1), { timeout: 10_000 }).toBe('wei说：Keep him warm, Mum');
  });

  it('does not take a text sent days after the last moment as an answer', async () => {
    clock.advance(2 * 24 * 3600_000);
    expect(await t.channel.say('wei', 'hello?')).toEqual(['Hello wei! I am here. When a moment comes from home, tap ❤️ or 💬 under it to answer. Send /calls to plan calls with your child, or /help to see more.']);
  });
});
