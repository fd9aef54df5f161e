import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { PROACTIVE_KINDS, type MessagePurpose, type ProactiveKind, type TemplateMessage } from '../core/messages.js';

/** One template in one language, as registered with the platform. */
const languageSchema = z.strictObject({
  /** The platform's language code: WhatsApp writes zh_CN, en, ro, it, lv. */
  code: z.string().regex(/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/, 'language codes look like en or zh_CN'),
  body: z.string().min(1).max(1024),
});

const templateSchema = z
  .strictObject({
    template: z.string().regex(/^[a-z0-9_]{1,512}$/, 'template names are lowercase letters, digits and _'),
    category: z.enum(['UTILITY', 'MARKETING']),
    variables: z.array(z.string().regex(/^[a-z_]+$/)),
    languages: z.record(z.string(), languageSchema),
  })
  .superRefine((template, context) => {
    for (const [locale, { body }] of Object.entries(template.languages)) {
      const used = [...new Set([...body.matchAll(/\{\{(\d+)\}\}/g)].map((match) => Number(match[1])))].sort((a, b) => a - b);
      const expected = template.variables.map((_, index) => index + 1);
      if (JSON.stringify(used) !== JSON.stringify(expected)) {
        context.addIssue({ code: 'custom', path: ['languages', locale, 'body'], message: `uses {{${used.join('}}, {{')}}} but ${template.variables.length} variables are named` });
      }
    }
  });

const fileSchema = z.partialRecord(z.enum(PROACTIVE_KINDS), templateSchema);

export type TemplateSpec = z.infer<typeof templateSchema>;

export class TemplateConfigError extends Error {
  override readonly name = 'TemplateConfigError';
}

/** Either the template to send, or why none can be (said in the log and on the held outbox row). */
export type TemplateChoice = { readonly kind: 'template'; readonly message: TemplateMessage } | { readonly kind: 'none'; readonly reason: string };

/** Platforms refuse template values with line breaks, tabs or runs of spaces. */
const MAX_PARAMETER_LENGTH = 1024;

/** The approved templates of a channel with a reply window, per proactive kind and language (config/whatsapp-templates.yaml). */
export class MessageTemplates {
  constructor(private readonly specs: Readonly<Partial<Record<ProactiveKind, TemplateSpec>>>) {}

  static load(file: string): MessageTemplates {
    let data: unknown;
    try {
      data = parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new TemplateConfigError(`Cannot read the templates in ${file}: ${(error as Error).message}`, { cause: error });
    }
    const parsed = fileSchema.safeParse(data ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      throw new TemplateConfigError(`${file}:\n  ${problems.join('\n  ')}`);
    }
    return new MessageTemplates(parsed.data);
  }

  /** Every configured template, for the deployment to register. */
  entries(): [ProactiveKind, TemplateSpec][] {
    return PROACTIVE_KINDS.flatMap((kind) => (this.specs[kind] ? [[kind, this.specs[kind]] as [ProactiveKind, TemplateSpec]] : []));
  }

  /** The template for this purpose in the reader's language (or another variant of it), its variables filled. */
  choose(purpose: MessagePurpose | undefined, locale: string): TemplateChoice {
    if (!purpose) return { kind: 'none', reason: 'it is not a proactive message of a known kind' };
    const spec = this.specs[purpose.kind];
    if (!spec) return { kind: 'none', reason: `no template is configured for "${purpose.kind}"` };
    const language = spec.languages[locale] ?? Object.entries(spec.languages).find(([other]) => baseLanguage(other) === baseLanguage(locale))?.[1];
    if (!language) return { kind: 'none', reason: `template "${spec.template}" has no ${locale} version` };
    const missing = spec.variables.filter((name) => !purpose.vars[name]?.trim());
    if (missing.length > 0) return { kind: 'none', reason: `template "${spec.template}" needs ${missing.join(', ')}, which the message does not carry` };
    const parameters = spec.variables.map((name) => oneLine(purpose.vars[name]!));
    return { kind: 'template', message: { name: spec.template, language: language.code, parameters } };
  }
}

function baseLanguage(locale: string): string {
  return locale.split(/[-_]/)[0]!.toLowerCase();
}

function oneLine(value: string): string {
  const line = value.replace(/\s+/g, ' ').trim();
  return line.length > MAX_PARAMETER_LENGTH ? `${line.slice(0, MAX_PARAMETER_LENGTH - 1)}…` : line;
}
