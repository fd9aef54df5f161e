import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Api, GrammyError } from 'grammy';
import type { Config } from '../../config.js';
import { errorText, fail, ok, warn, type CheckResult } from './check.js';

/** Wechaty keeps a login as `<session name>.memory-card.json`; main.ts names the session `<data dir>/wechat`. */
const MEMORY_CARD_SUFFIX = '.memory-card.json';

/**
 * Each configured channel's credentials: Telegram's token tried against the Bot API itself; WeChat's puppet token and
 * kept login, which only a running puppet could try further.
 */
export async function checkChannels(config: Config, dataDir: string): Promise<CheckResult[]> {
  const wechat = await checkWechat(config, dataDir);
  if (!config.TELEGRAM_BOT_TOKEN) {
    return [...(wechat.length > 0 ? [] : [warn('Channels', 'TELEGRAM_BOT_TOKEN is not set: npm start opens the console simulator (WeChat runs with --channel wechat)', 'for Telegram, put the token from @BotFather in TELEGRAM_BOT_TOKEN')]), ...wechat];
  }
  return [await checkTelegramToken(config.TELEGRAM_BOT_TOKEN, config.TELEGRAM_API_ROOT), ...checkTelegramWebhook(config), ...wechat];
}

const PUPPET_SERVICE = 'wechaty-puppet-service';

/** Said only when WeChat shows signs of use: a puppet service chosen, or a login kept under the data directory. */
async function checkWechat(config: Config, dataDir: string): Promise<CheckResult[]> {
  const subject = 'WeChat';
  if (config.WECHATY_PUPPET === PUPPET_SERVICE && !config.WECHATY_PUPPET_SERVICE_TOKEN) {
    return [fail(subject, `WECHATY_PUPPET is ${PUPPET_SERVICE} but WECHATY_PUPPET_SERVICE_TOKEN is not set`, "put your puppet provider's token (puppet_…) in WECHATY_PUPPET_SERVICE_TOKEN")];
  }
  const session = path.join(dataDir, `wechat${MEMORY_CARD_SUFFIX}`);
  const kept = await stat(session).then(() => true, () => false);
  if (config.WECHATY_PUPPET === PUPPET_SERVICE) return [ok(subject, `puppet service token set${kept ? `; login kept in ${session}` : ''}`)];
  return kept ? [ok(subject, `login kept in ${session}: a restart needs no new QR scan`)] : [];
}

async function checkTelegramToken(token: string, apiRoot: string | undefined): Promise<CheckResult> {
  const subject = 'Telegram';
  const where = apiRoot ?? 'https://api.telegram.org';
  try {
    const me = await new Api(token, { ...(apiRoot ? { apiRoot } : {}), timeoutSeconds: 10 }).getMe();
    return ok(subject, `the token works: this is @${me.username}`);
  } catch (error) {
    if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404)) {
      return fail(subject, `${where} refused TELEGRAM_BOT_TOKEN (${error.error_code} ${error.description})`, 'copy the token again from @BotFather (/mybots → API Token) into TELEGRAM_BOT_TOKEN');
    }
    return fail(subject, `could not reach ${where}: ${errorText(error)}`, 'check this machine\'s internet connection, firewall, and TELEGRAM_API_ROOT if you set it');
  }
}

function checkTelegramWebhook(config: Config): CheckResult[] {
  if (!config.TELEGRAM_WEBHOOK_URL) return [];
  if (!config.TELEGRAM_WEBHOOK_SECRET) {
    return [fail('Telegram webhook', 'TELEGRAM_WEBHOOK_URL is set without TELEGRAM_WEBHOOK_SECRET, so the bot falls back to long polling', 'set TELEGRAM_WEBHOOK_SECRET to 32 or more random letters and digits: openssl rand -hex 32')];
  }
  if (!config.TELEGRAM_WEBHOOK_URL.startsWith('https://')) {
    return [fail('Telegram webhook', `Telegram only calls https:// addresses, not ${config.TELEGRAM_WEBHOOK_URL}`, 'put the bot behind a web server with a certificate (Caddy, or nginx with certbot) and use its https:// address')];
  }
  return [ok('Telegram webhook', `updates come to ${config.TELEGRAM_WEBHOOK_URL}, checked with a secret of ${config.TELEGRAM_WEBHOOK_SECRET.length} characters`)];
}
