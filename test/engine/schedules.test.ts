import { rmSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlowWorkspace, type FlowWorkspace } from '../support/flow-workspace.js';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';
import { testRedisUrl } from '../support/test-redis.js';

const HELLO = `
id: parents-hello
triggers:
  - schedule: { cron: "* * * * * *", tz: Asia/Shanghai, roles: [parent] }
steps:
  - id: hello
    end: { text: test:hello }
`;

describe('schedule triggers', () => {
  let workspace: FlowWorkspace;
  let t: TestApp;
  let family: SeededFamily;

  beforeAll(async () => {
    workspace = createFlowWorkspace({ 'parents-hello.yaml': HELLO }, { en: { hello: 'Time to call home?' }, 'zh-CN': { hello: '该给家里打电话了？' } });
    t = await startTestApp({ flowsDir: workspace.flowsDir, localesDir: workspace.localesDir });
    family = await t.seedFamily();
  });
  afterAll(() => t.close());

  it('start the flow for everyone in the role, and for nobody else or opted out', async () => {
    await t.channel.say('dad', `/start ${family.codes.parent}`);
    await t.channel.say('granny', `/start ${family.codes.caregiver}`);
    const other = await t.seedFamily('Second family');
    await t.channel.say('mum', `/start ${other.codes.parent}`);
    await t.channel.say('mum', '/stop');
    await expect.poll(() => t.channel.textsTo('dad').filter((text) => text === 'Time to call home?').length, { timeout: 10_000 }).toBeGreaterThan(0);
    // Onboarding was interrupted, not lost: the language question is still open for dad.
    // (A tick may land in the same moment: only the answer to the tap is asserted.)
    expect(await t.channel.tap('dad', 'en')).toEqual(expect.arrayContaining([expect.stringContaining('Which city')]));
    expect(t.channel.textsTo('granny')).not.toContain('Time to call home?');
    // A tick may reach mum in the moment between joining and /stop; after /stop, none does.
    const mum = t.channel.textsTo('mum');
    expect(mum.slice(mum.indexOf('You will not receive any more messages. Send /start whenever you want to come back.'))).not.toContain('Time to call home?');
  });

  it('drop the job scheduler when the trigger leaves the flows', async () => {
    const queue = new Queue('kinbridge-engine', { connection: { url: testRedisUrl() }, prefix: t.redisPrefix });
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual(['flow-schedule:parents-hello:0']);
    await t.stopApp();
    rmSync(path.join(workspace.flowsDir, 'parents-hello.yaml'));
    const restarted = await startTestApp({ database: t.database, redisPrefix: t.redisPrefix, flowsDir: workspace.flowsDir, localesDir: workspace.localesDir });
    expect(await queue.getJobSchedulers()).toEqual([]);
    await restarted.stopApp();
    await queue.close();
  });
});
