import { z } from 'zod';
import { ContentError, type ContentProblem } from '../../core/content-problems.js';
import { readCheckedYaml } from '../checked-yaml.js';

/**
 * safeguarding/help-contacts.yaml: emergency and child-protection numbers per country, each with the public source it
 * was checked against. A person's country is the one whose time zones include theirs; anyone else gets `default`.
 */
const VERIFIED = ['official', 'secondary'] as const;

const contactSchema = z.strictObject({
  number: z.string().regex(/^[0-9 +]+$/, 'a number has only digits, spaces and +'),
  use: z.enum(['emergency', 'child_protection', 'child_helpline'], { message: 'use is one of: emergency, child_protection, child_helpline' }),
  name: z.record(z.string(), z.string().trim().min(1)),
  source: z.string().trim().min(10, 'cite where this number was checked: the address of an official page and what it says'),
  verified: z.enum(VERIFIED, { message: `verified is "official" (the body or operator publishes it there) or "secondary" (press or reference pages only)` }),
});
const countrySchema = z.strictObject({
  timeZones: z.array(z.string()).default([]),
  contacts: z.array(contactSchema).min(1, 'a country needs at least one number'),
});
const directorySchema = z.strictObject({ countries: z.record(z.string(), countrySchema) });

export type HelpContact = z.infer<typeof contactSchema>;

export class HelpDirectory {
  constructor(private readonly countries: Readonly<Record<string, z.infer<typeof countrySchema>>>) {}

  /** The numbers for someone living in `timeZone`, emergency first. */
  contactsFor(timeZone: string): readonly HelpContact[] {
    const country = Object.values(this.countries).find((entry) => entry.timeZones.includes(timeZone)) ?? this.countries.default!;
    return country.contacts;
  }
}

export function loadHelpDirectory(file: string, requiredLanguages: readonly string[] = ['zh-CN', 'en']): HelpDirectory {
  const read = readCheckedYaml(file, directorySchema);
  const problems: ContentProblem[] = [...read.problems];
  const countries = read.data?.countries ?? {};
  if (read.data && !countries.default) problems.push({ file, line: read.lineOf(['countries']), message: 'add a "default" country: its numbers go to people living anywhere not listed' });
  for (const [country, entry] of Object.entries(countries)) {
    entry.contacts.forEach((contact, index) => {
      for (const language of requiredLanguages) {
        if (!contact.name[language]) problems.push({ file, line: read.lineOf(['countries', country, 'contacts', index, 'name']), message: `${country} ${contact.number} has no name in ${language}` });
      }
    });
  }
  if (problems.length > 0) throw new ContentError(problems);
  return new HelpDirectory(countries);
}
