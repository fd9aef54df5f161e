import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type Resource } from 'i18next';

export class LocaleFileError extends Error {
  override readonly name = 'LocaleFileError';
}

/**
 * The words of every flow, from `locales/<lng>/<namespace>.json`, looked up by "namespace:key".
 * Loaded once and synchronously: a missing or broken locale file should stop start-up, not a conversation.
 */
export class Translator {
  private constructor(
    private readonly i18n: i18n,
    readonly locales: readonly string[],
    private readonly resources: Resource,
  ) {}

  static load(directory: string, fallbackLocale = 'en'): Translator {
    const resources = readResources(directory);
    const locales = Object.keys(resources).sort();
    const instance = i18next.createInstance();
    void instance.init({
      resources,
      lng: fallbackLocale,
      fallbackLng: { zh: ['zh-CN'], 'zh-TW': ['zh-CN'], default: [fallbackLocale] },
      ns: [...new Set(locales.flatMap((lng) => Object.keys(resources[lng] ?? {})))],
      initAsync: false,
      interpolation: { escapeValue: false },
      returnNull: false,
    });
    return new Translator(instance, locales, resources);
  }

  /** The text in `locale`, falling back to the fallback locale; the key itself if nowhere. */
  t(locale: string, key: string, vars: Record<string, unknown> = {}): string {
    return this.i18n.t(key, { ...vars, lng: locale }) as string;
  }

  /** The locales that lack `key` (empty when every shipped locale has it), plain or in plural forms (`key_other`). */
  missingIn(key: string): string[] {
    const has = (lng: string, name: string): boolean => this.i18n.exists(name, { lng, fallbackLng: false });
    return this.locales.filter((lng) => !has(lng, key) && !has(lng, `${key}_other`));
  }

  /** The best shipped locale for a platform hint such as "zh-hans" or "en-US". */
  supportedLocale(hint: string | undefined, fallback: string): string {
    if (!hint) return fallback;
    const lower = hint.toLowerCase();
    const exact = this.locales.find((lng) => lng.toLowerCase() === lower);
    if (exact) return exact;
    const language = lower.split(/[-_]/)[0];
    return this.locales.find((lng) => lng.toLowerCase().split('-')[0] === language) ?? fallback;
  }

  /** Every key of every namespace of a locale, flattened ("ns:a.b"). */
  keysOf(locale: string): string[] {
    const namespaces = this.resources[locale] ?? {};
    return Object.entries(namespaces).flatMap(([ns, tree]) => flattenKeys(tree as object).map((key) => `${ns}:${key}`));
  }
}

function readResources(directory: string): Resource {
  const resources: Resource = {};
  for (const locale of readdirSync(directory)) {
    const localeDir = path.join(directory, locale);
    resources[locale] = {};
    for (const file of readdirSync(localeDir).filter((name) => name.endsWith('.json'))) {
      const full = path.join(localeDir, file);
      try {
        resources[locale][path.basename(file, '.json')] = JSON.parse(readFileSync(full, 'utf8'));
      } catch (error) {
        throw new LocaleFileError(`${full}: ${(error as Error).message}`);
      }
    }
  }
  return resources;
}

function flattenKeys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    value !== null && typeof value === 'object' ? flattenKeys(value as object, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}
