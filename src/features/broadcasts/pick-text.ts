/**
 * The text for a reader of `locale`: their own language, then the same language in another variant
 * (zh-TW reads zh-CN), then the configured fallback chain, then whatever the author wrote.
 */
export function pickText(texts: Readonly<Record<string, string>>, locale: string, fallbackChain: readonly string[]): string {
  const language = locale.split('-')[0];
  const sameLanguage = Object.keys(texts).find((key) => key.split('-')[0] === language);
  const chosen = [locale, sameLanguage, ...fallbackChain].find((key) => key !== undefined && texts[key]);
  return texts[chosen ?? ''] ?? Object.values(texts)[0] ?? '';
}
