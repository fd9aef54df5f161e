import type { Choice } from './messages.js';

/**
 * The button a typed answer names, as numbered channels (console, WeChat) list them: its number ("1"), its label
 * ("💬 Answer") or its id. Full-width digits (Chinese keyboards) are folded, so "２" picks choice 2; case and emoji
 * presentation marks are ignored, so "❤" picks "❤️".
 */
export function typedChoice(choices: readonly Choice[], typed: string): Choice | undefined {
  const text = folded(typed);
  const byNumber = /^\d+$/.test(text) ? choices[Number(text) - 1] : undefined;
  return byNumber ?? choices.find((choice) => folded(choice.label) === text || choice.id.toLowerCase() === text);
}

function folded(text: string): string {
  return text.normalize('NFKC').replace(/\uFE0F/g, '').trim().toLowerCase();
}
