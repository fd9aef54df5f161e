import { DateTime } from 'luxon';
import { actionArgs, defineAction, type PersonView } from '../../core/flow-action.js';
import type { AttentionActionDeps } from './attention-ports.js';
import { AttentionNotFoundError, type AttentionView } from './attention-items.js';

type Translate = AttentionActionDeps['translate'];

/** One line of an item in the reader's words: what it is about, since when, and who took it. */
export function describeItem(item: AttentionView, reader: PersonView, translate: Translate): string {
  const vars = { ...item.details, family_name: item.familyName, child_name: item.childName ?? item.details.child_name ?? '—' };
  const summary = translate(reader.locale, `attention:kinds.${item.kind}`, { ...vars, defaultValue: translate(reader.locale, 'attention:kinds.other', vars) });
  return translate(reader.locale, 'attention:line', {
    summary,
    since: DateTime.fromJSDate(item.createdAt, { zone: reader.timeZone }).setLocale(reader.locale).toLocaleString(DateTime.DATE_MED),
    owner: item.ownerName ? translate(reader.locale, 'attention:owned_by', { owner_name: item.ownerName }) : '',
    urgent: item.urgent ? '❗' : '',
  });
}

export const attentionActions = [
  defineAction<AttentionActionDeps>({
    name: 'attention.list',
    outcomes: ['ok', 'none', 'not_allowed'],
    async run({ attention, families, translate }, { person }) {
      const items = await attention.openFor(person.id);
      if (items.length > 0) return { vars: { attention_list: items.map((item) => describeItem(item, person, translate)).join('\n') } };
      const looksAfterFamilies = (await families.cohortsCoordinatedBy(person.id)).length > 0 || (await families.teaches(person.id));
      return { outcome: looksAfterFamilies ? 'none' : 'not_allowed' };
    },
  }),
  defineAction<AttentionActionDeps>({
    name: 'attention.describe',
    outcomes: ['ok', 'gone'],
    args: actionArgs(['attention_id']),
    async run({ attention, translate }, { person, args }) {
      const item = await findOrUndefined(() => attention.find(person.id, String(args.attention_id)));
      if (!item || item.status === 'closed') return { outcome: 'gone' };
      const excerpt = item.excerpt ? translate(person.locale, 'attention:excerpt', { excerpt: item.excerpt }) : '';
      // Secrets, not variables: names and words of others never stay in the reader's session, nor in clear in the outbox.
      return { vars: { family_name: item.familyName }, secrets: { attention_text: describeItem(item, person, translate), attention_excerpt: excerpt } };
    },
  }),
  defineAction<AttentionActionDeps>({
    name: 'attention.take',
    outcomes: ['ok', 'taken', 'gone'],
    args: actionArgs(['attention_id']),
    async run({ attention, db }, { person, args }) {
      const ownerId = await findOrUndefined(() => attention.acknowledge(person.id, String(args.attention_id)));
      if (ownerId === undefined) return { outcome: 'gone' };
      if (ownerId === person.id) return {};
      const owner = await db.person.findUnique({ where: { id: ownerId }, select: { displayName: true } });
      return { outcome: 'taken', vars: { owner_name: owner?.displayName ?? '—' } };
    },
  }),
];

async function findOrUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof AttentionNotFoundError) return undefined;
    throw error;
  }
}
