import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import type { InboundMessage } from '../../src/core/messages.js';
import { InboundJournal } from '../../src/engine/inbound-journal.js';
import { createFlowWorkspace, type FlowWorkspace } from '../support/flow-workspace.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { textsWrittenTo } from '../support/written-texts.js';
import { ECHO_FLOW } from '../support/echo-flow.js';


function text(person: string, words: string, platformId: string): InboundMessage {
  return { channel: 'memory', externalId: person, chatId: person, displayName: person, content: { kind: 'text', text: words }, platformId };
}

describe('the inbound journal takes a delivery in one statement', () => {
  let workspace: FlowWorkspace;
  let test: TestApp;

  beforeAll(async () => {
    workspace = createFlowWorkspace({ 'echo.yaml': ECHO_FLOW }, { en: { heard: 'heard {{said}}' }, 'zh-CN': { heard: 'heard {{said}}' } });
    test = await startTestApp({ flowsDir: workspace.flowsDir, localesDir: workspace.localesDir, welcomeStrangers: true, inboundLimits: { messages: 1_000, windowSeconds: 60 } });
  });
  afterAll(async () => {
    await test.close();
  });

  const writtenTo = (person: string): Promise<string[]> => textsWrittenTo(test.database.prisma, person);

  it("journals a delivery in one statement, handles one sender's two updates in order and a redelivered one not at all", async () => {
    await test.channel.say('mimi', '/echo');
    await test.channel.say('lulu', '/echo');
    await test.channel.post('mimi', { kind: 'text', text: 'a' }, 'tg-1');
    await test.app.settled();
    const statements = vi.spyOn(pg.Client.prototype, 'query');
    try {
      await test.channel.postAll([
        { person: 'mimi', content: { kind: 'text', text: 'a' }, platformId: 'tg-1' }, // delivered again
        { person: 'mimi', content: { kind: 'text', text: 'b' }, platformId: 'tg-2' },
        { person: 'lulu', content: { kind: 'text', text: 'x' }, platformId: 'tg-3' },
        { person: 'mimi', content: { kind: 'text', text: 'c' }, platformId: 'tg-4' },
      ]);
      const journalWrites = statements.mock.calls.filter(([query]) => (query as { name?: string }).name === 'kinbridge-journal-record');
      expect(journalWrites).toHaveLength(1);
    } finally {
      statements.mockRestore();
    }
    await test.app.settled();
    expect(await writtenTo('mimi')).toEqual(['heard a', 'heard b', 'heard c']);
    expect(await writtenTo('lulu')).toEqual(['heard x']);
  });

});

describe("the context read with a delivery's updates", () => {
  let database: TestDatabase;
  let journal: InboundJournal;

  beforeAll(async () => {
    database = await createTestDatabase();
    journal = new InboundJournal(database.prisma, database.sql, systemClock);
    await database.prisma.person.create({ data: { displayName: 'dudu', locale: 'en', identities: { create: { channel: 'memory', externalId: 'dudu' } } } });
  });
  afterAll(async () => {
    await database.drop();
  });

  it('comes back for each new update in the order given, the second of a sender behind the first', async () => {
    const updates = await journal.record([text('dudu', 'one', 'j-1'), text('a stranger', 'hi', 'j-2'), text('dudu', 'two', 'j-3')], { notify: false, readContext: true });
    expect(updates.map((update) => [update.message.platformId, update.context?.behind, update.context?.sender?.person.displayName ?? null])).toEqual([
      ['j-1', false, 'dudu'],
      ['j-2', false, null],
      // Behind 'one', written by the same statement (which its snapshot does not show).
      ['j-3', true, 'dudu'],
    ]);
    expect(updates[0]!.seq < updates[2]!.seq).toBe(true);
  });

  it('leaves out redeliveries, and puts an update behind an older one still unhandled', async () => {
    const updates = await journal.record([text('dudu', 'two', 'j-3'), text('dudu', 'three', 'j-4')], { notify: false, readContext: true });
    expect(updates.map((update) => [update.message.platformId, update.context?.behind])).toEqual([['j-4', true]]);
    await database.prisma.inboundUpdate.updateMany({ data: { handledAt: new Date() } });
    const [next] = await journal.record([text('dudu', 'four', 'j-5')], { notify: false, readContext: true });
    expect(next!.context?.behind).toBe(false);
  });
});
