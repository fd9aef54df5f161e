import { normaliseInviteCode } from './invite-code.js';

/** What a text sent outside any question most likely is. */
export type FreeTextKind = { readonly kind: 'code'; readonly code: string } | { readonly kind: 'greeting' } | { readonly kind: 'words' };

/**
 * Hellos and "are you there?" as people type them, with the particles and punctuation they add ("你好呀！",
 * "在吗？", "hello!"): they want to know the bot is there and what it does, not to be told they were misunderstood.
 */
const GREETING = /^(你好|您好|大家好|嗨|哈喽|喂|在吗|在不在|在么|有人吗|早上好|早安|中午好|下午好|晚上好|早|hi|hello|hey|hallo|ciao|salut|buna|labdien|good (morning|afternoon|evening))[\s啊呀呢吗哦啦嘛~～!！?？。.,，]*$/iu;

export function classifyFreeText(text: string): FreeTextKind {
  const code = normaliseInviteCode(text);
  if (code) return { kind: 'code', code };
  return GREETING.test(text.normalize('NFKC').trim()) ? { kind: 'greeting' } : { kind: 'words' };
}
