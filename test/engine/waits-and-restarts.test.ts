import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../support/test-redis.js';
import { createFlowWorkspace, type FlowWorkspace } from '../support/flow-workspace.js';
import { MemoryChannel } from '../support/memory-channel.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const CHECK_IN = `
id: check-in
triggers:
  - command: checkin
steps:
  - id: ask_mood
    ask:
      text: test:ask_mood
      type: choice
      choices:
        - { id: good, text: test:good }
        - { id: bad, text: test:bad }
      into: mood
      timeout: { after: 1s, goto: no_answer }
  - id: thanks
    end: { text: test:thanks }
  - id: no_answer
    send: { text: test:no_answer }
  - id: pause
    wait: { for: 2s }
  - id: after_pause
    end: { text: test:after_pause }
`;

/** The same question with no hurry, for tests where a restart must not race the timeout. */
const PATIENT_CHECK_IN = CHECK_IN.replace('id: check-in', 'id: patient-check-in').replace('command: checkin', 'command: patient').replace('after: 1s', 'after: 1h');

const texts = { ask_mood: 'How was today?', good: 'Good', bad: 'Hard', thanks: 'Thanks, {{mood}} noted.', no_answer: 'No answer, fine.', after_pause: 'Back after a pause.' };

describe('waits, timeouts and restarts', () => {
  let workspace: FlowWorkspace;
  let first: TestApp;

  beforeAll(async () => {
    workspace = createFlowWorkspace({ 'check-in.yaml': CHECK_IN, 'patient-check-in.yaml': PATIENT_CHECK_IN }, { en: texts, 'zh-CN': texts });
    first = await startTestApp({ flowsDir: workspace.flowsDir, localesDir: workspace.localesDir, welcomeStrangers: true });
  });
  afterAll(() => first.close());

  /** Real time going by, for a timer that must come due while no bot is running: not a wait for something to happen. */
  function timePasses(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** A second bot process on the same PostgreSQL and Redis, as after a crash and restart. */
  /** Taps, through `current`, the button `choiceId` that `before` (an earlier instance of the bot) sent to `person`. */
  function tapSentBefore(before: TestApp, current: TestApp, person: string, choiceId: string): Promise<string[]> {
    const sent = before.channel.delivered.filter((d) => d.chatId === person).flatMap((d) => d.message.choices ?? []);
    return current.channel.deliver(person, { kind: 'choice', choiceId: sent.findLast((choice) => choice.id.startsWith(`${choiceId}#`))!.id });
  }

  async function restart(previous: TestApp): Promise<TestApp> {
    await previous.stopApp();
    const channel = new MemoryChannel();
    const next = await startTestApp({
      database: previous.database,
      redisPrefix: previous.redisPrefix,
      flowsDir: workspace.flowsDir,
      localesDir: workspace.localesDir,
      welcomeStrangers: true,
      channels: [channel],
    });
    return { ...next, channel };
  }

  it('follows the timeout branch when nobody answers, then waits and resumes by itself', async () => {
    expect(await first.channel.say('mama', '/checkin')).toEqual(['How was today?']);
    await expect.poll(() => first.channel.textsTo('mama'), { timeout: 10_000 }).toEqual(['How was today?', 'No answer, fine.', 'Back after a pause.']);
  });

  it('ignores a timeout once the question was answered', async () => {
    await first.channel.say('baba', '/checkin');
    expect(await first.channel.tap('baba', 'good')).toEqual(['Thanks, good noted.']);
    // Everything set for later has run by now: a timeout that was not called off would have been sent.
    await first.app.settled({ includeLater: true });
    expect(first.channel.textsTo('baba')).toEqual(['How was today?', 'Thanks, good noted.']);
  });

  it('lets a wait run out while another flow interrupts it, and resumes past the wait', async () => {
    await first.channel.say('ayi', '/checkin');
    await expect.poll(() => first.channel.textsTo('ayi').at(-1), { timeout: 10_000 }).toBe('No answer, fine.');
    expect(await first.channel.say('ayi', '/language')).toEqual(['Which language should I use?']);
    await first.app.settled({ includeLater: true }); // the 2 s pause ends during the question
    expect(await first.channel.tap('ayi', 'en')).toEqual(['OK, I will speak English.', 'Back after a pause.']);
  });

  it('continues a conversation after the bot restarts mid-flow', async () => {
    await first.channel.say('yeye', '/patient');
    const second = await restart(first);
    expect(await tapSentBefore(first, second, 'yeye', 'bad')).toEqual(['Thanks, bad noted.']);
    first = second;
  });

  it('fires a wait that came due while the bot was down, once', async () => {
    await first.channel.say('gege', '/checkin');
    await expect.poll(() => first.channel.textsTo('gege').at(-1), { timeout: 10_000 }).toBe('No answer, fine.');
    await first.stopApp();
    await timePasses(2_500); // the bot is down while the 2 s pause runs out
    const second = await restart(first);
    await expect.poll(() => second.channel.textsTo('gege'), { timeout: 10_000 }).toEqual(['Back after a pause.']);
    await second.app.settled({ includeLater: true });
    expect(second.channel.textsTo('gege')).toEqual(['Back after a pause.']);
    first = second;
  });

  it('continues at the same step when the flow file changed, and ends kindly when the step is gone', async () => {
    await first.channel.say('jiejie', '/patient');
    await first.channel.say('didi', '/patient');
    workspace.writeFlow('patient-check-in.yaml', PATIENT_CHECK_IN.replace('test:thanks', 'test:after_pause'));
    let current = await restart(first);
    expect(await tapSentBefore(first, current, 'jiejie', 'good')).toEqual(['Back after a pause.']);

    workspace.writeFlow('patient-check-in.yaml', PATIENT_CHECK_IN.replace('- id: ask_mood', '- id: ask_feeling'));
    current = await restart(current);
    expect(await tapSentBefore(first, current, 'didi', 'good')).toEqual([
      'This conversation was updated in the meantime. Please start again – send /help to see how.',
      'That question is closed, so that button does nothing now.',
    ]);
    expect(await current.channel.say('didi', '/patient')).toEqual(['How was today?']);
    first = current;
  });

  it('writes a timer with the turn that set it, and fires it from its row when its job was lost', async () => {
    expect(await first.channel.say('dada', '/patient')).toEqual(['How was today?']);
    const { prisma } = first.database;
    const person = await prisma.person.findFirstOrThrow({ where: { displayName: 'dada' } });
    const timer = await prisma.flowTimer.findFirstOrThrow({ where: { personId: person.id } });
    // Redis lost the job; meanwhile the hour went by.
    const engineQueue = new Queue('kinbridge-engine', { connection: { url: testRedisUrl() }, prefix: first.redisPrefix });
    expect(await engineQueue.remove(`timer-${timer.token}`)).toBe(1);
    await engineQueue.close();
    await prisma.flowTimer.update({ where: { token: timer.token }, data: { dueAt: new Date(Date.now() - 3_600_000) } });
    expect(await first.app.overdueTimers.sweep()).toBe(1);
    await expect.poll(() => first.channel.textsTo('dada'), { timeout: 10_000 }).toEqual(['How was today?', 'No answer, fine.', 'Back after a pause.']);
    // The fired timer's row went with its turn; so did the pause's, once it ran.
    expect(await prisma.flowTimer.count({ where: { personId: person.id } })).toBe(0);
  });
});
