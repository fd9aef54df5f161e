import type { OutboundMessage } from '../../core/messages.js';
import type { SelectedRecipients } from '../../core/outbox-writer.js';
import { deferPastQuietHours, quietHoursFrom } from '../../core/quiet-hours.js';
import type { Role } from '../../storage/generated/enums.js';
import type { Database } from '../../storage/prisma.js';

/** What decides who a broadcast reaches. */
export interface AudienceFilter {
  readonly cohortIds: readonly string[];
  /** Empty: every role. */
  readonly roles: readonly Role[];
  /** Empty: every language. */
  readonly locales: readonly string[];
}

/** People of the audience alike in everything the fan-out asks of them: language, time zone and quiet hours. */
export interface AudienceGroup {
  readonly locale: string;
  readonly timeZone: string;
  readonly quietStartMinute: number | null;
  readonly quietEndMinute: number | null;
  readonly people: number;
}

/**
 * The audience: people not opted out, members of a family in one of the cohorts (in one of the roles), speaking one
 * of the languages. `$first`, `$first + 1` and `$first + 2` are the cohorts, roles and languages (see `filterValues`).
 */
function audienceWhere(first: number): string {
  const [cohorts, roles, locales] = [0, 1, 2].map((offset) => `$${first + offset}`);
  return `p."optedOutAt" IS NULL
    AND EXISTS (
      SELECT 1 FROM "FamilyMember" AS m JOIN "Family" AS f ON f."id" = m."familyId"
      WHERE m."personId" = p."id" AND f."cohortId" = ANY(${cohorts}::uuid[]) AND (cardinality(${roles}::"Role"[]) = 0 OR m."role" = ANY(${roles}::"Role"[])))
    AND (cardinality(${locales}::text[]) = 0 OR p."locale" = ANY(${locales}::text[]))`;
}

function filterValues(filter: AudienceFilter): unknown[] {
  return [[...filter.cohortIds], [...filter.roles], [...filter.locales]];
}

/** The audience counted by what the fan-out needs to know of them: one small query however many they are. */
export async function audienceGroups(db: Database, filter: AudienceFilter): Promise<AudienceGroup[]> {
  const rows = await db.$queryRawUnsafe<(Omit<AudienceGroup, 'people'> & { people: number })[]>(
    `SELECT p."locale", p."timeZone", p."quietStartMinute", p."quietEndMinute", count(*)::int AS "people"
     FROM "Person" AS p WHERE ${audienceWhere(1)}
     GROUP BY 1, 2, 3, 4`,
    ...filterValues(filter),
  );
  return rows;
}

/**
 * The audience as recipients the outbox writes by itself: each reachable person (a channel identity that has not
 * blocked the bot, the one they used last) with their language's message, after their quiet hours. The quiet hours
 * are worked out here, once per group of people alike, by the same rule as every other message (`deferPastQuietHours`).
 */
export function audienceRecipients(
  groups: readonly AudienceGroup[],
  filter: AudienceFilter,
  now: Date,
  messageFor: (locale: string) => OutboundMessage,
  key: { readonly dedupeKey: string; readonly broadcastId: string },
): SelectedRecipients {
  const deferred = groups.flatMap((group) => {
    const notBefore = deferPastQuietHours(now, group.timeZone, quietHoursFrom(group.quietStartMinute, group.quietEndMinute));
    return notBefore > now ? [{ ...group, notBefore }] : [];
  });
  const locales = [...new Set(groups.map((group) => group.locale))];
  return {
    query: `
      SELECT p."id" AS "personId", i."channel", i."externalId" AS "chatId", p."locale" AS "variant", d."notBefore"
      FROM "Person" AS p
        CROSS JOIN LATERAL (
          SELECT c."channel", c."externalId" FROM "ChannelIdentity" AS c
          WHERE c."personId" = p."id" AND c."blockedAt" IS NULL ORDER BY c."lastSeenAt" DESC LIMIT 1) AS i
        LEFT JOIN unnest($6::text[], $7::int[], $8::int[], $9::timestamptz[]) AS d("timeZone", "quietStartMinute", "quietEndMinute", "notBefore")
          ON d."timeZone" = p."timeZone" AND d."quietStartMinute" = p."quietStartMinute" AND d."quietEndMinute" = p."quietEndMinute"
      WHERE ($1::uuid IS NULL OR p."id" > $1::uuid) AND ${audienceWhere(3)}
      ORDER BY p."id"
      LIMIT $2`,
    values: [
      ...filterValues(filter),
      deferred.map((group) => group.timeZone),
      deferred.map((group) => group.quietStartMinute),
      deferred.map((group) => group.quietEndMinute),
      deferred.map((group) => group.notBefore.toISOString()),
    ],
    // Someone who changed language since the groups were counted gets the text a reader of no listed language gets.
    messages: Object.fromEntries([...locales, ''].map((locale) => [locale, messageFor(locale)])),
    fallbackVariant: '',
    ...key,
  };
}
