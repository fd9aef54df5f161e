import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { KeyedSerializer } from '../../src/engine/keyed-serializer.js';
import { SessionConflictError } from '../../src/engine/session-store.js';
import { TurnCommitter } from '../../src/engine/turn-committer.js';
import { TurnReader } from '../../src/engine/turn-reader.js';
import { ECHO_FLOW } from '../support/echo-flow.js';
import { createFlowWorkspace } from '../support/flow-workspace.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { textsWrittenTo } from '../support/written-texts.js';

const texts = { heard: 'heard {{said}}' };

/**
 * A turn of the bot's own (a timer, an event) may change a person's session between the moment their message is
 * read with its session and the moment its turn runs. The turn must not build on what it read then: the save would
 * be refused and the whole turn run again, repeating what its actions did.
 */
describe('a message read while a turn of the bot changed the session', () => {
  let t: TestApp;

  beforeAll(async () => {
    const workspace = createFlowWorkspace({ 'echo.yaml': ECHO_FLOW }, { en: texts, 'zh-CN': texts });
    t = await startTestApp({ flowsDir: workspace.flowsDir, localesDir: workspace.localesDir, welcomeStrangers: true });
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => t.close());

  it('is answered from the session as that turn left it, in one commit', async () => {
    await t.channel.say('lili', '/echo');
    await t.app.settled();
    const { personId } = await t.database.prisma.channelIdentity.findFirstOrThrow({ where: { externalId: 'lili' }, select: { personId: true } });

    // Right after her message and her session are read, a reminder starts the echo flow for her afresh and commits.
    const read = TurnReader.prototype.read;
    vi.spyOn(TurnReader.prototype, 'read').mockImplementationOnce(async function (this: TurnReader, update) {
      const context = await read.call(this, update);
      await t.app.engine.startFlow(personId, 'echo', {});
      return context;
    });
    const commit = vi.spyOn(TurnCommitter.prototype, 'commit');

    await t.channel.post('lili', { kind: 'text', text: 'hello' });
    await t.app.settled();

    expect(await textsWrittenTo(t.database.prisma, 'lili')).toEqual(['heard hello']);
    const refused = commit.mock.settledResults.filter((result) => result.type === 'rejected' && result.value instanceof SessionConflictError);
    expect(refused).toEqual([]);
    // The reminder's turn and hers.
    expect(commit).toHaveBeenCalledTimes(2);
  });
});

describe('a serializer asked whether a key ran since a mark', () => {
  const done = (): Promise<void> => Promise.resolve();

  it('says so for a task that ended after it, or runs or waits now, and not for one that ended before', async () => {
    const serializer = new KeyedSerializer();
    await serializer.run('before', done);
    const mark = serializer.mark();
    await serializer.run('after', done);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const running = serializer.run('running', () => held);

    expect(serializer.ranSince('before', mark)).toBe(false);
    expect(serializer.ranSince('after', mark)).toBe(true);
    expect(serializer.ranSince('running', mark)).toBe(true);
    expect(serializer.ranSince('never', mark)).toBe(false);
    release();
    await running;
  });

  it('assumes a key it no longer remembers may have run since a mark older than what it forgot', async () => {
    const serializer = new KeyedSerializer(2);
    const mark = serializer.mark();
    for (const key of ['a', 'b', 'c']) await serializer.run(key, done);
    const later = serializer.mark();

    expect(serializer.ranSince('a', mark)).toBe(true);
    expect(serializer.ranSince('never', mark)).toBe(true);
    expect(serializer.ranSince('never', later)).toBe(false);
  });
});
