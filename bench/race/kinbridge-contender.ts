/**
 * Kinbridge as a race contender: the real app (gateway, worker and scheduler in one process) on Telegram long
 * polling against the fake Bot API, with the check-in as a flow (its words in the flow workspace's `test` namespace). Telegram's own limits are lifted as the peer has none.
 */
import { createKinbridge } from '../../src/app.js';
import { TelegramChannel } from '../../src/channels/telegram/telegram-channel.js';
import { createLogger } from '../../src/core/logger.js';
import { createFlowWorkspace } from '../../test/support/flow-workspace.js';
import { CHECK_IN_WORDS as WORDS, contenderEnvironment, serveDriver } from './contender-protocol.js';

const CHECK_IN_FLOW = `
id: race-check-in
triggers:
  - command: checkin
steps:
  - id: sleep
    ask: { text: test:ask_sleep, type: number, into: hours }
  - id: mood
    ask:
      text: test:ask_mood
      type: choice
      choices:
${WORDS.moods.map((mood) => `        - { id: ${mood.id}, text: test:${mood.id} }`).join('\n')}
      into: mood
  - id: note
    ask: { text: test:ask_note, type: text, into: note }
  - id: saved
    end: { text: test:saved }
`;

async function main(): Promise<void> {
  const env = contenderEnvironment();
  const texts = { ask_sleep: WORDS.askSleep, ask_mood: WORDS.askMood, ask_note: WORDS.askNote, saved: WORDS.saved, ...Object.fromEntries(WORDS.moods.map((m) => [m.id, m.label])) };
  const workspace = createFlowWorkspace({ 'race-check-in.yaml': CHECK_IN_FLOW }, { en: texts, 'zh-CN': texts });
  const telegram = new TelegramChannel({ token: env.token, apiRoot: env.apiRoot });
  const app = await createKinbridge({
    databaseUrl: env.databaseUrl,
    redisUrl: env.redisUrl,
    redisPrefix: `race-${process.pid}`,
    channels: [telegram],
    flowsDir: workspace.flowsDir,
    localesDir: workspace.localesDir,
    logger: createLogger('warn'),
    secret: 'kinbridge-race-secret-0123456789abcdef',
    welcomeStrangers: true,
    defaultLocale: 'en',
    scheduleRecurringJobs: false,
    inboundLimits: { messages: 1_000_000, windowSeconds: 60 },
    sendLimits: { telegram: {} },
  });
  await app.start();
  serveDriver();
  process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
