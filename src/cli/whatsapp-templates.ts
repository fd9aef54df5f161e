import type { MessageTemplates } from '../messaging/message-templates.js';

/** What a deployment registers in WhatsApp Manager, one block per template and language, variables spelled out. */
export function describeTemplates(templates: MessageTemplates, file: string): string {
  const entries = templates.entries();
  if (entries.length === 0) return `No templates in ${file}: outside the 24-hour window every proactive message is held.`;
  const blocks = entries.flatMap(([kind, spec]) =>
    Object.entries(spec.languages).map(([locale, language]) =>
      [
        `${spec.template}  (${language.code}, ${spec.category})  for ${kind.replace('_', ' ')} messages to ${locale} readers`,
        `  Body: ${language.body}`,
        ...spec.variables.map((variable, index) => `  {{${index + 1}}} = ${variable}`),
      ].join('\n'),
    ),
  );
  return [`WhatsApp templates to register (from ${file}):`, '', blocks.join('\n\n'), '', `${blocks.length} templates in ${entries.length} kinds.`].join('\n');
}
