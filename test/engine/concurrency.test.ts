import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { InboundJournal } from '../../src/engine/inbound-journal.js';
import { SessionConflictError, SessionStore } from '../../src/engine/session-store.js';
import { TurnCommitter } from '../../src/engine/turn-committer.js';
import { createFlowWorkspace, type FlowWorkspace } from '../support/flow-workspace.js';
import { MemoryChannel } from '../support/memory-channel.js';
import { startTestApp, type TestApp, type TestAppOverrides } from '../support/test-app.js';
import { textsWrittenTo } from '../support/written-texts.js';
import { ECHO_FLOW } from '../support/echo-flow.js';


/** Sends without ever waiting: the engine gives up after 100 steps, so the turn fails after writing messages. */
const RUNAWAY = `
id: runaway
triggers:
  - command: runaway
steps:
  - id: say
    send: { text: test:before }
  - id: loop
    goto: say
`;

const texts = { heard: 'heard {{said}}', before: 'about to fail' };

describe('turns under concurrency', () => {
  let workspace: FlowWorkspace;
  let first: TestApp;
  let second: TestApp;
  let flows: TestAppOverrides;
  const secondChannel = new MemoryChannel();

  beforeAll(async () => {
    workspace = createFlowWorkspace({ 'echo.yaml': ECHO_FLOW, 'runaway.yaml': RUNAWAY }, { en: texts, 'zh-CN': texts });
    // The flood limit is lifted: this burst is the point of the test. A process keeps a sender's lease idle far longer
    // than the tests wait: what the other process journals meanwhile is handled because it knocks (or, two seconds
    // later, because the sweep finds it), never by waiting for the lease to be let go.
    flows = {
      flowsDir: workspace.flowsDir,
      localesDir: workspace.localesDir,
      welcomeStrangers: true,
      inboundLimits: { messages: 1_000, windowSeconds: 60 },
      keepLeaseIdleMs: 300_000,
    };
    first = await startTestApp(flows);
    // A second bot process on the same PostgreSQL and Redis: webhooks spread over both, as behind a load balancer.
    second = await startTestApp({ ...flows, database: first.database, redisPrefix: first.redisPrefix, channels: [secondChannel] });
  });
  afterAll(async () => {
    await second.stopApp();
    await first.close();
  });

  const writtenTo = (person: string): Promise<string[]> => textsWrittenTo(first.database.prisma, person);

  it("handles one person's rapid messages through two processes once each, in the order received", async () => {
    await first.channel.say('nana', '/echo');
    const count = 20;
    for (let i = 1; i <= count; i++) await (i % 2 === 0 ? secondChannel : first.channel).post('nana', { kind: 'text', text: String(i) });
    // Generous: on a loaded machine twenty turns of one person, one after another, take a while.
    await Promise.all([first.app.settled({ timeoutMs: 60_000 }), second.app.settled({ timeoutMs: 60_000 })]);
    const expected = Array.from({ length: count }, (_, i) => `heard ${i + 1}`);
    expect(await writtenTo('nana')).toEqual(expected);
    const delivered = [...first.channel.textsTo('nana'), ...secondChannel.textsTo('nana')];
    expect(delivered.filter((text) => text.startsWith('heard')).sort()).toEqual([...expected].sort());
  });

  it('hands what a gateway-only process receives to the workers of other processes, in order', async () => {
    const gatewayChannel = new MemoryChannel();
    const gateway = await startTestApp({ ...flows, roles: ['gateway'], database: first.database, redisPrefix: first.redisPrefix, channels: [gatewayChannel] });
    try {
      for (const text of ['/echo', 'a', 'b', 'c']) await gatewayChannel.post('dede', { kind: 'text', text });
      await expect.poll(() => writtenTo('dede'), { timeout: 10_000 }).toEqual(['heard a', 'heard b', 'heard c']);
    } finally {
      await gateway.stopApp();
    }
  });

  it('handles an update delivered again (same platform id, to either process) once', async () => {
    await first.channel.say('yeye', '/echo');
    await first.channel.post('yeye', { kind: 'text', text: 'once' }, 'update-7');
    await secondChannel.post('yeye', { kind: 'text', text: 'once' }, 'update-7');
    await first.channel.post('yeye', { kind: 'text', text: 'once' }, 'update-7');
    await Promise.all([first.app.settled(), second.app.settled()]);
    expect(await writtenTo('yeye')).toEqual(['heard once']);
  });

  it('keeps no message of a turn that failed midway, only the apology', async () => {
    const answers = await first.channel.say('lao', '/runaway');
    expect(answers).toHaveLength(1);
    expect(answers[0]).not.toContain('about to fail');
    expect((await writtenTo('lao')).filter((text) => text.includes('about to fail'))).toEqual([]);
  });

  it('refuses to save a session over one another writer saved since it was read, and keeps nothing of that turn', async () => {
    await first.channel.say('gugu', '/echo');
    const { prisma, sql } = first.database;
    const person = await prisma.person.findFirstOrThrow({ where: { displayName: 'gugu' } });
    const sessions = new SessionStore(sql);
    const commits = new TurnCommitter(sql, systemClock, first.app.outbox);
    const read = await sessions.load(person.id);
    const later = await sessions.load(person.id);
    await commits.commit({ session: { personId: person.id, loaded: later, state: { ...later.state!, stepId: 'quiet' } }, outbox: [] });
    // The losing turn answers a journaled update and writes a message: neither may be kept.
    const [update] = await new InboundJournal(prisma, sql, systemClock).record([{ channel: 'memory', chatId: 'gugu', externalId: 'gugu', displayName: 'gugu', content: { kind: 'text', text: 'late' } }], { notify: false, readContext: false });
    const losing = commits.commit({
      inboundSeq: update!.seq,
      session: { personId: person.id, loaded: read, state: read.state },
      outbox: [{ address: { channel: 'memory', chatId: 'gugu' }, personId: person.id, messages: [{ text: 'from the losing turn' }] }],
    });
    await expect(losing).rejects.toBeInstanceOf(SessionConflictError);
    expect(await prisma.inboundUpdate.findUniqueOrThrow({ where: { seq: update!.seq } })).toMatchObject({ handledAt: null });
    expect(await writtenTo('gugu')).not.toContain('from the losing turn');
    expect((await sessions.load(person.id)).state?.stepId).toBe('quiet');
    await prisma.inboundUpdate.delete({ where: { seq: update!.seq } });
  });
});
