import { DateTime } from 'luxon';
import { actionArgs, defineAction } from '../../core/flow-action.js';
import { parseLocalDateTime } from '../../core/local-date-time.js';
import type { MediaRef } from '../../core/messages.js';
import type { Role } from '../../storage/generated/enums.js';
import type { BroadcastsActionDeps } from './broadcasts-ports.js';
import { NotCoordinatorError } from '../families/families.js';
import { MediaRejectedError, rejectionAware } from '../updates/media-intake.js';
import type { BroadcastAttachment, BroadcastDraft } from './broadcasts.js';
import { BroadcastNotFoundError } from './broadcasts.js';

const AUDIENCES: Readonly<Record<string, Role[]>> = { everyone: [], parent: ['parent'], caregiver: ['caregiver'], teacher: ['teacher'] };
/** How far ahead a broadcast may be scheduled; further is more likely a typo than a plan. */
const MAX_SCHEDULE_DAYS = 60;

/** Composing, previewing, sending and scheduling announcements from chat (flows/broadcast.yaml). */
export const broadcastActions = [
  defineAction<BroadcastsActionDeps>({
    name: 'broadcasts.prepare',
    outcomes: ['ready', 'empty', 'denied', 'too_large', 'unsupported', 'unavailable'],
    args: actionArgs(['cohort_id', 'audience', 'language', 'text_locale', 'text', 'translation_locale', 'translation', 'photo', 'voice']),
    async run(services, { person, args }) {
      const texts = textsByLanguage(args, person.locale);
      const media = await rejectionAware(() => attachment(services, args));
      if (media instanceof MediaRejectedError) return { outcome: media.reason, vars: { limit_mb: services.updates.intake.limitMb(media.kind) } };
      const draft: BroadcastDraft = {
        cohortIds: [String(args.cohort_id ?? '')],
        roles: AUDIENCES[String(args.audience)] ?? [],
        locales: args.language && args.language !== 'all' ? [String(args.language)] : [],
        texts,
        ...(media ? { media } : {}),
      };
      try {
        const { id, recipients, byLocale } = await services.broadcasts.draft(person.id, draft);
        const breakdown = Object.entries(byLocale)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([locale, count]) => `${services.translate(person.locale, `common:language.${locale}`)} ${count}`)
          .join(' · ');
        const previews = Object.entries(texts)
          .map(([locale, text]) => `${services.translate(person.locale, `common:language.${locale}`)}:\n${text}`)
          .join('\n\n');
        return { outcome: recipients === 0 ? 'empty' : 'ready', vars: { broadcast_id: id, recipients, breakdown, previews } };
      } catch (error) {
        if (error instanceof NotCoordinatorError) return { outcome: 'denied' };
        throw error;
      }
    },
  }),
  defineAction<BroadcastsActionDeps>({
    name: 'broadcasts.otherLanguages',
    outcomes: ['ok'],
    args: actionArgs(['text_locale']),
    async run(services, { person, args }) {
      const others = services.supportedLocales.filter((locale) => locale !== args.text_locale);
      const choices = others.map((locale) => ({ id: locale, label: services.translate(person.locale, `common:language.${locale}`) }));
      return { vars: { translation_choices: choices } };
    },
  }),
  defineAction<BroadcastsActionDeps>({
    name: 'broadcasts.sendNow',
    outcomes: ['queued', 'denied'],
    args: actionArgs(['broadcast_id']),
    async run(services, { person, args }) {
      return guarded(async () => {
        const id = String(args.broadcast_id);
        await services.broadcasts.sendNow(person.id, id);
        await services.broadcastRunner.kick(id);
        return { outcome: 'queued' };
      });
    },
  }),
  defineAction<BroadcastsActionDeps>({
    name: 'broadcasts.schedule',
    outcomes: ['scheduled', 'invalid_time', 'denied'],
    args: actionArgs(['broadcast_id', 'when']),
    async run(services, { person, args }) {
      const at = parseLocalDateTime(String(args.when ?? ''), person.timeZone);
      const now = DateTime.fromJSDate(services.clock.now());
      if (!at || at <= now || at > now.plus({ days: MAX_SCHEDULE_DAYS })) return { outcome: 'invalid_time' };
      return guarded(async () => {
        await services.broadcasts.schedule(person.id, String(args.broadcast_id), at.toJSDate());
        return { outcome: 'scheduled', vars: { scheduled_for: at.setLocale(person.locale).toLocaleString(DateTime.DATETIME_MED) } };
      });
    },
  }),
  defineAction<BroadcastsActionDeps>({
    name: 'broadcasts.cancel',
    outcomes: ['ok', 'denied'],
    args: actionArgs(['broadcast_id']),
    async run(services, { person, args }) {
      return guarded(async () => {
        await services.broadcasts.cancel(person.id, String(args.broadcast_id));
        return {};
      });
    },
  }),
];

/**
 * Each text filed under the language the coordinator said it is in: the first text's own language (the coordinator's
 * language only when none was given), the translation under the other language chosen for it.
 */
function textsByLanguage(args: Readonly<Record<string, unknown>>, fallbackLocale: string): Record<string, string> {
  const firstLocale = typeof args.text_locale === 'string' && args.text_locale ? args.text_locale : fallbackLocale;
  const texts: Record<string, string> = { [firstLocale]: String(args.text ?? '') };
  if (typeof args.translation === 'string' && typeof args.translation_locale === 'string' && args.translation_locale !== firstLocale) {
    texts[args.translation_locale] = args.translation;
  }
  return texts;
}

/** A photo or voice note answered in this chat, taken into our store like any file people send. */
async function attachment(services: BroadcastsActionDeps, args: Readonly<Record<string, unknown>>): Promise<BroadcastAttachment | undefined> {
  const kind = isMediaRef(args.photo) ? 'photo' : isMediaRef(args.voice) ? 'voice' : undefined;
  if (!kind) return undefined;
  const stored = await services.updates.intake.take(kind, args[kind] as MediaRef);
  return { kind, storageKey: stored.storageKey, mimeType: stored.mimeType };
}

async function guarded(run: () => Promise<{ outcome?: string; vars?: Record<string, unknown> }>) {
  try {
    return await run();
  } catch (error) {
    if (error instanceof NotCoordinatorError || error instanceof BroadcastNotFoundError) return { outcome: 'denied' };
    throw error;
  }
}

function isMediaRef(value: unknown): value is MediaRef {
  return typeof value === 'object' && value !== null && typeof (value as MediaRef).fileId === 'string';
}
