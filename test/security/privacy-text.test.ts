import { describe, expect, it } from 'vitest';
import { Translator } from '../../src/engine/translator.js';
import { defaultLocalesDir } from '../../src/paths.js';

/** /privacy tells, in every language, what /forget removes and what it cannot: what is already in chat apps. */
describe('/privacy explains /forget', () => {
  const translator = Translator.load(defaultLocalesDir);
  const said = {
    en: { removes: ['your answers', 'photos, videos and voice messages you sent', 'your name in the messages kept for other people'], stays: 'What is already in a chat app stays there' },
    'zh-CN': { removes: ['您的回答', '您发的照片、视频和语音', '别人消息记录里您的名字'], stays: '已经在微信、电报这些聊天软件里的消息，还会留在那里' },
  } as const;

  it.each(Object.entries(said))('in %s', (locale, { removes, stays }) => {
    const text = translator.t(locale, 'privacy:what_we_keep', { retention_days: 90, outbox_days: 7 });
    for (const part of removes) expect(text).toContain(part);
    expect(text).toContain(stays);
    expect(translator.missingIn('privacy:what_we_keep')).toEqual([]);
  });
});
