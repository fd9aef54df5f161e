/**
 * The peer: the check-in written the way grammY's documentation recommends for a bot that must keep up with load —
 * @grammyjs/conversations for the four steps, @grammyjs/runner for concurrent long polling (sequentialized per chat),
 * the conversation state in PostgreSQL through @grammyjs/storage-psql. Started by bench/race.ts as a child process.
 */
import { conversations, createConversation, type Conversation, type ConversationData, type ConversationFlavor, type VersionedStateStorage } from '@grammyjs/conversations';
import { run, sequentialize } from '@grammyjs/runner';
import { PsqlAdapter } from '@grammyjs/storage-psql';
import { Bot, InlineKeyboard, type Context } from 'grammy';
import pg from 'pg';
import { CHECK_IN_WORDS as WORDS, contenderEnvironment, serveDriver } from '../race/contender-protocol.js';

type PeerContext = ConversationFlavor<Context>;

async function checkIn(conversation: Conversation<PeerContext, Context>, ctx: Context): Promise<void> {
  await ctx.reply(WORDS.askSleep);
  const hours = await conversation.form.number();
  const keyboard = new InlineKeyboard();
  for (const mood of WORDS.moods) keyboard.text(mood.label, mood.id);
  await ctx.reply(WORDS.askMood, { reply_markup: keyboard });
  const mood = await conversation.waitForCallbackQuery(WORDS.moods.map((m) => m.id));
  await mood.answerCallbackQuery();
  await ctx.reply(WORDS.askNote);
  const note = await conversation.form.text();
  await conversation.external(() => ({ hours, mood: mood.callbackQuery.data, note }));
  await ctx.reply(WORDS.saved);
}

async function main(): Promise<void> {
  const env = contenderEnvironment();
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  // The adapter stores whatever it is given as JSON; the plugin's versioned state is what it is given here.
  const adapter = (await PsqlAdapter.create({ tableName: 'peer_conversations', client })) as unknown as VersionedStateStorage<string, ConversationData>;
  const bot = new Bot<PeerContext>(env.token, { client: { apiRoot: env.apiRoot } });
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  bot.use(conversations({ storage: { type: 'key', version: 0, adapter } }));
  bot.use(createConversation(checkIn, 'checkin'));
  bot.command('checkin', (ctx) => ctx.conversation.enter('checkin'));
  bot.catch((error) => console.error('peer update failed', error.error));
  await bot.init();
  const runner = run(bot);
  serveDriver();
  process.once('SIGTERM', () => void runner.stop().then(() => client.end()).then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
