import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import sharp from 'sharp';
import type { Clock } from '../core/clock.js';
import { photosAllowed } from '../features/updates/photo-consent.js';
import type { MediaStore } from '../storage/media-store.js';
import type { Database } from '../storage/prisma.js';
import type { AccessLog } from './access-log.js';
import { html, type SafeHtml } from './html.js';
import { page } from './layout.js';
import { NotFoundError, pageContext, viewerOf, type PageContext, type Translate } from './page-context.js';
import { AGE_BANDS, ROSTER_PAGE_SIZE, readRoster, type AgeBand, type RosterFilters, type RosterRow } from './roster.js';
import { familyScope, visibleCohorts, type Viewer } from './viewer.js';

export interface FamilyRouteDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly translate: Translate;
  readonly media: MediaStore;
  readonly accessLog: AccessLog;
  /** The channels this deployment runs, for the "app" filter. */
  readonly channels: readonly string[];
}

type RosterQuery = Record<'cohort' | 'school' | 'age' | 'app' | 'photos' | 'silent' | 'page', string | undefined>;

const THUMBNAIL_PX = 240;
const TIMELINE_LENGTH = 50;

/** The roster with its filters, a family's page with its timeline, and its photos' thumbnails (consent permitting). */
export function familyRoutes(deps: FamilyRouteDeps) {
  return (app: FastifyInstance): void => {
    app.get<{ Querystring: RosterQuery }>('/families', async (request, reply) => {
      const context = pageContext(request, reply, deps.translate);
      const filters = parseFilters(request.query);
      const [roster, cohorts] = await Promise.all([readRoster(deps.db, context.viewer, filters, deps.clock.now()), visibleCohorts(deps.db, context.viewer)]);
      const body = html`${filterForm(context, request.query, cohorts, deps.channels)}
<p class="count">${context.words('families.count', { count: roster.total })}</p>
${rosterTable(context, roster.rows)}${pager(request.query, filters.page ?? 0, roster.total)}`;
      return reply.type('text/html').send(page(context, context.words('nav.families'), body).markup);
    });

    app.get<{ Params: { id: string } }>('/families/:id', async (request, reply) => {
      const context = pageContext(request, reply, deps.translate);
      const family = await findFamily(deps.db, context.viewer, request.params.id);
      await deps.accessLog.record(context.viewer.id, 'family', family.id);
      const body = html`${familySummary(context, family)}<h2>${context.words('family.timeline')}</h2>${await timeline(deps, context, family)}`;
      return reply.type('text/html').send(page(context, family.name, body).markup);
    });

    app.get<{ Params: { id: string; mediaId: string } }>('/families/:id/photos/:mediaId', async (request, reply) => {
      const viewer = viewerOf(request);
      const family = await findFamily(deps.db, viewer, request.params.id);
      const media = await deps.db.updateMedia.findFirst({ where: { id: uuidOrNil(request.params.mediaId), kind: 'photo', update: { familyId: family.id } }, select: { storageKey: true, update: { select: { childId: true } } } });
      const childId = media?.update.childId;
      if (!media || !childId || !(await photosAllowed(deps.db, family.id, childId))) throw new NotFoundError('No photo that may be shown');
      await deps.accessLog.record(viewer.id, 'photo', family.id, childId);
      const thumbnail = await sharp(await deps.media.read(media.storageKey)).resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: 'inside' }).jpeg().toBuffer();
      return reply.type('image/jpeg').header('cache-control', 'private, no-store').send(thumbnail);
    });
  };
}

/** A family the viewer may see, or "not found" (the same for one outside their cohorts as for one that never was). */
async function findFamily(db: Database, viewer: Viewer, id: string) {
  const family = await db.family.findFirst({
    where: { AND: [{ id: uuidOrNil(id) }, familyScope(viewer)] },
    include: {
      cohort: { select: { name: true } },
      children: { orderBy: { birthDate: 'asc' } },
      members: { include: { person: { select: { displayName: true, locale: true, identities: { select: { channel: true, lastSeenAt: true } } } } }, orderBy: { joinedAt: 'asc' } },
    },
  });
  if (!family) throw new NotFoundError(`No family ${id} for viewer ${viewer.id}`);
  return family;
}
type FamilyDetail = Awaited<ReturnType<typeof findFamily>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A malformed id finds nothing, like an unknown one, instead of a database error that would tell them apart. */
export function uuidOrNil(id: string): string {
  return UUID.test(id) ? id : '00000000-0000-0000-0000-000000000000';
}

function parseFilters(query: RosterQuery): RosterFilters {
  const silent = Number(query.silent);
  const page = Number(query.page);
  return {
    ...(query.cohort && UUID.test(query.cohort) ? { cohortId: query.cohort } : {}),
    ...(query.school?.trim() ? { school: query.school.trim() } : {}),
    ...(AGE_BANDS.includes(query.age as AgeBand) ? { ageBand: query.age as AgeBand } : {}),
    ...(query.app ? { app: query.app } : {}),
    ...(query.photos === 'yes' || query.photos === 'no' ? { photoConsent: query.photos } : {}),
    ...(Number.isInteger(silent) && silent > 0 ? { silentDays: silent } : {}),
    ...(Number.isInteger(page) && page > 0 ? { page } : {}),
  };
}

function filterForm({ words }: PageContext, query: RosterQuery, cohorts: readonly { id: string; name: string }[], channels: readonly string[]): SafeHtml {
  const option = (value: string, label: string, current: string | undefined) => html`<option value="${value}"${current === value ? html` selected` : ''}>${label}</option>`;
  return html`<form method="get" action="/families" class="filters">
<label>${words('families.filter.cohort')} <select name="cohort">${option('', words('families.filter.any'), query.cohort)}${cohorts.map((cohort) => option(cohort.id, cohort.name, query.cohort))}</select></label>
<label>${words('families.filter.school')} <input name="school" value="${query.school ?? ''}"></label>
<label>${words('families.filter.age')} <select name="age">${option('', words('families.filter.any'), query.age)}${AGE_BANDS.map((band) => option(band, words('families.age_band', { band }), query.age))}</select></label>
<label>${words('families.filter.app')} <select name="app">${option('', words('families.filter.any'), query.app)}${channels.map((channel) => option(channel, channel, query.app))}</select></label>
<label>${words('families.filter.photos')} <select name="photos">${option('', words('families.filter.any'), query.photos)}${option('yes', words('families.photos_yes'), query.photos)}${option('no', words('families.photos_no'), query.photos)}</select></label>
<label>${words('families.filter.silent')} <input name="silent" type="number" min="1" inputmode="numeric" value="${query.silent ?? ''}"></label>
<button type="submit">${words('families.filter.apply')}</button>
</form>`;
}

function rosterTable({ words, viewer }: PageContext, rows: readonly RosterRow[]): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">${words('families.none')}</p>`;
  return html`<table class="roster"><thead><tr><th>${words('families.col.family')}</th><th>${words('families.col.cohort')}</th><th>${words('families.col.school')}</th><th>${words('families.col.apps')}</th><th>${words('families.col.last_contact')}</th><th>${words('families.col.calls')}</th><th>${words('families.col.photos')}</th></tr></thead><tbody>
${rows.map((row) => html`<tr><td><a href="/families/${row.id}">${row.name}</a></td><td>${row.cohortName ?? ''}</td><td>${row.schools ?? ''}</td><td>${(row.apps ?? []).join(', ')}</td><td>${row.lastContactAt ? shortDate(row.lastContactAt, viewer) : words('families.never')}</td><td>${row.callsThisMonth}</td><td>${row.photoConsent ? words('families.photos_yes') : words('families.photos_no')}</td></tr>`)}
</tbody></table>`;
}

function pager(query: RosterQuery, current: number, total: number): SafeHtml {
  const pages = Math.ceil(total / ROSTER_PAGE_SIZE);
  if (pages <= 1) return html``;
  const link = (page: number) => `/families?${new URLSearchParams({ ...Object.fromEntries(Object.entries(query).filter(([, value]) => value)), page: String(page) }).toString()}`;
  return html`<nav class="pager">${Array.from({ length: pages }, (_, page) => (page === current ? html`<strong>${page + 1}</strong>` : html`<a href="${link(page)}">${page + 1}</a>`))}</nav>`;
}

function familySummary({ words, viewer }: PageContext, family: FamilyDetail): SafeHtml {
  return html`<section class="summary"><p>${family.cohort?.name ?? ''}</p>
<h2>${words('family.children')}</h2><ul>${family.children.map((child) => html`<li>${child.name} · ${DateTime.fromJSDate(child.birthDate).toISODate()}${child.kindergarten ? ` · ${child.kindergarten}` : ''}${child.className ? ` ${child.className}` : ''}</li>`)}</ul>
<h2>${words('family.members')}</h2><ul>${family.members.map((member) => html`<li>${member.person.displayName} · ${words(`role.${member.role}`)} · ${member.person.identities.map((identity) => identity.channel).join(', ')}${member.person.identities.some((identity) => identity.lastSeenAt) ? html` · ${words('family.last_seen', { when: shortDate(latest(member.person.identities.map((identity) => identity.lastSeenAt)), viewer) })}` : ''}</li>`)}</ul></section>`;
}

interface TimelineEntry {
  readonly at: Date;
  readonly text: SafeHtml;
}

/**
 * Calls logged, moments shared (a thumbnail only where the parents allow photos), play progress and where the
 * children lived (moves to a parent and home again), newest first.
 */
async function timeline(deps: FamilyRouteDeps, { words, viewer }: PageContext, family: FamilyDetail): Promise<SafeHtml> {
  const [calls, moments, play, stays] = await Promise.all([
    deps.db.callLog.findMany({ where: { familyId: family.id }, orderBy: { talkedAt: 'desc' }, take: TIMELINE_LENGTH, include: { child: { select: { name: true } } } }),
    deps.db.familyUpdate.findMany({ where: { familyId: family.id, sharedAt: { not: null } }, orderBy: { sharedAt: 'desc' }, take: TIMELINE_LENGTH, include: { media: { where: { replyId: null }, orderBy: { position: 'asc' } }, child: { select: { id: true, name: true } } } }),
    deps.db.playProgress.findMany({ where: { assignment: { schedule: { child: { familyId: family.id } } } }, orderBy: { createdAt: 'desc' }, take: TIMELINE_LENGTH, include: { assignment: { select: { week: true, activityId: true } } } }),
    deps.db.childStay.findMany({ where: { child: { familyId: family.id } }, orderBy: { since: 'desc' }, take: TIMELINE_LENGTH, include: { child: { select: { name: true } }, parent: { select: { displayName: true } } } }),
  ]);
  const allowed = new Map<string, boolean>();
  for (const child of family.children) allowed.set(child.id, await photosAllowed(deps.db, family.id, child.id));
  const entries: TimelineEntry[] = [
    ...calls.map((call) => ({ at: call.talkedAt, text: html`${words('timeline.call', { child: call.child.name })}` })),
    ...moments.map((moment) => ({ at: moment.sharedAt!, text: momentEntry(words, family.id, moment, moment.child ? (allowed.get(moment.child.id) ?? false) : false) })),
    ...play.map((progress) => ({ at: progress.createdAt, text: html`${words(`timeline.play_${progress.kind}`, { week: progress.assignment.week })}` })),
    ...stays.flatMap((stay) => {
      const names = { child: stay.child.name, parent: stay.parent.displayName };
      const movedIn = { at: stay.since, text: html`${words('timeline.moved_in', names)}` };
      return stay.until ? [movedIn, { at: stay.until, text: html`${words('timeline.moved_home', names)}` }] : [movedIn];
    }),
  ].sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, TIMELINE_LENGTH);
  if (entries.length === 0) return html`<p class="empty">${words('timeline.empty')}</p>`;
  return html`<ol class="timeline">${entries.map((entry) => html`<li><time>${shortDate(entry.at, viewer)}</time> ${entry.text}</li>`)}</ol>`;
}

function momentEntry(words: PageContext['words'], familyId: string, moment: { text: string | null; child: { name: string } | null; media: { id: string; kind: string }[] }, photosShown: boolean): SafeHtml {
  const photos = moment.media.filter((media) => media.kind === 'photo');
  const others = moment.media.length - photos.length;
  return html`${words('timeline.moment', { child: moment.child?.name ?? '' })}${moment.text ? html` “${moment.text}”` : ''}
${photosShown ? photos.map((media) => html`<img class="thumb" src="/families/${familyId}/photos/${media.id}" alt="${words('timeline.photo')}" loading="lazy">`) : photos.length > 0 ? html` <em>${words('timeline.photos_hidden', { count: photos.length })}</em>` : ''}${others > 0 ? html` <em>${words('timeline.other_media', { count: others })}</em>` : ''}`;
}

function latest(dates: readonly (Date | null)[]): Date {
  return new Date(Math.max(...dates.map((date) => date?.getTime() ?? 0)));
}

export function shortDate(date: Date, viewer: Viewer): string {
  return DateTime.fromJSDate(date, { zone: viewer.timeZone }).setLocale(viewer.locale).toLocaleString(DateTime.DATETIME_SHORT);
}
