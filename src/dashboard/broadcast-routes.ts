import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import type { AppServices } from '../features/feature-list.js';
import { BroadcastNotFoundError, type BroadcastReport } from '../features/broadcasts/broadcasts.js';
import { NotCoordinatorError } from '../features/families/families.js';
import type { Role } from '../storage/generated/enums.js';
import type { Database } from '../storage/prisma.js';
import { uuidOrNil } from './family-routes.js';
import { html, type SafeHtml } from './html.js';
import { page } from './layout.js';
import { NotFoundError, orNotFound, pageContext, viewerOf, type PageContext, type Translate } from './page-context.js';
import type { Viewer } from './viewer.js';

export interface BroadcastRouteDeps {
  readonly db: Database;
  readonly translate: Translate;
  readonly features: Pick<AppServices, 'broadcasts' | 'broadcastRunner' | 'supportedLocales'>;
}

const ROLES: readonly Role[] = ['parent', 'caregiver', 'teacher'];
const RECENT = 20;

type ComposeBody = Record<string, string | string[] | undefined>;

/**
 * Announcements from the web, on the broadcasts feature's own service: compose per language, preview what each
 * language's readers get and how many they are, then send now or at a time; the report updates while it sends.
 * Only a cohort's coordinators broadcast to it, as in chat.
 */
export function broadcastRoutes({ db, translate, features }: BroadcastRouteDeps) {
  return (app: FastifyInstance): void => {
    app.get('/broadcasts', async (request, reply) => {
      const context = pageContext(request, reply, translate);
      const body = await composePage(db, context, features.supportedLocales);
      return reply.type('text/html').send(page(context, context.words('nav.broadcasts'), body).markup);
    });

    app.post<{ Body: ComposeBody }>('/broadcasts/preview', async (request, reply) => {
      const context = pageContext(request, reply, translate);
      const form = request.body;
      const texts: Record<string, string> = Object.fromEntries(features.supportedLocales.map((locale) => [locale, String(form[`text_${locale}`] ?? '').trim()]).filter(([, text]) => text));
      const cohortIds = [form.cohort ?? []].flat().filter((id) => context.viewer.cohortIds.includes(id));
      const roles = [form.role ?? []].flat().filter((role): role is Role => ROLES.includes(role as Role));
      if (Object.keys(texts).length === 0 || cohortIds.length === 0) {
        return reply.code(400).type('text/html').send(page(context, context.words('nav.broadcasts'), html`<p class="error">${context.words('broadcasts.incomplete')}</p>${await composePage(db, context, features.supportedLocales)}`).markup);
      }
      const draft = await features.broadcasts.draft(context.viewer.id, { cohortIds, roles, locales: [], texts });
      const body = html`<p>${context.words('broadcasts.reach', { count: draft.recipients })} ${Object.entries(draft.byLocale).map(([locale, count]) => `${languageName(context, locale)} ${count}`).join(' · ')}</p>
${Object.entries(texts).map(([locale, text]) => html`<h2>${languageName(context, locale)}</h2><div class="preview" lang="${locale}">${text}</div>`)}
<form method="post" action="/broadcasts/${draft.id}/send" class="stack"><input type="hidden" name="_csrf" value="${context.csrf}">
<label>${context.words('broadcasts.at')} <input type="datetime-local" name="at"></label>
<button type="submit" class="primary">${context.words('broadcasts.send')}</button></form>`;
      return reply.type('text/html').send(page(context, context.words('broadcasts.preview'), body).markup);
    });

    app.post<{ Params: { id: string }; Body: { at?: string } }>('/broadcasts/:id/send', async (request, reply) => {
      const viewer = viewerOf(request);
      const id = uuidOrNil(request.params.id);
      const at = request.body.at ? DateTime.fromISO(request.body.at, { zone: viewer.timeZone }) : undefined;
      await orNotFound(async () => {
        if (at?.isValid) await features.broadcasts.schedule(viewer.id, id, at.toJSDate());
        else {
          await features.broadcasts.sendNow(viewer.id, id);
          await features.broadcastRunner.kick(id);
        }
      }, [NotCoordinatorError, BroadcastNotFoundError]);
      return reply.redirect(`/broadcasts/${id}`, 303);
    });

    app.get<{ Params: { id: string } }>('/broadcasts/:id', async (request, reply) => {
      const context = pageContext(request, reply, translate);
      const broadcast = await findBroadcast(db, context.viewer, request.params.id);
      const report = await features.broadcasts.report(broadcast.id);
      const texts = broadcast.texts as Record<string, string>;
      const body = html`<div data-live-report="/broadcasts/${broadcast.id}/report">${reportFragment(context, report)}</div>
${Object.entries(texts).map(([locale, text]) => html`<h2>${languageName(context, locale)}</h2><div class="preview" lang="${locale}">${text}</div>`)}`;
      return reply.type('text/html').send(page(context, context.words('broadcasts.report_title'), body, ['/assets/dashboard.js']).markup);
    });

    app.get<{ Params: { id: string } }>('/broadcasts/:id/report', async (request, reply) => {
      const context = pageContext(request, reply, translate);
      const broadcast = await findBroadcast(db, context.viewer, request.params.id);
      return reply.type('text/html').header('cache-control', 'no-store').send(reportFragment(context, await features.broadcasts.report(broadcast.id)).markup);
    });
  };
}

async function composePage(db: Database, context: PageContext, locales: readonly string[]): Promise<SafeHtml> {
  const { words, viewer, csrf } = context;
  if (viewer.cohortIds.length === 0) return html`<p>${words('broadcasts.coordinators_only')}</p>`;
  const [cohorts, recent] = await Promise.all([
    db.cohort.findMany({ where: { id: { in: [...viewer.cohortIds] } }, select: { id: true, name: true }, orderBy: { name: 'asc' } }),
    db.broadcast.findMany({ where: { coordinatorId: viewer.id, status: { not: 'draft' } }, orderBy: { createdAt: 'desc' }, take: RECENT, select: { id: true, status: true, createdAt: true, recipientCount: true } }),
  ]);
  return html`<form method="post" action="/broadcasts/preview" class="stack"><input type="hidden" name="_csrf" value="${csrf}">
<fieldset><legend>${words('broadcasts.cohorts')}</legend>${cohorts.map((cohort) => html`<label><span><input type="checkbox" name="cohort" value="${cohort.id}" checked> ${cohort.name}</span></label>`)}</fieldset>
<fieldset><legend>${words('broadcasts.roles')}</legend>${ROLES.map((role) => html`<label><span><input type="checkbox" name="role" value="${role}"> ${context.shared(`broadcasts:audience.${role}`)}</span></label>`)}<small>${words('broadcasts.roles_hint')}</small></fieldset>
${locales.map((locale) => html`<label>${languageName(context, locale)} <textarea name="text_${locale}" rows="4" maxlength="2000" lang="${locale}"></textarea></label>`)}
<button type="submit" class="primary">${words('broadcasts.preview')}</button></form>
<h2>${words('broadcasts.recent')}</h2>
${recent.length === 0 ? html`<p class="empty">${words('broadcasts.none')}</p>` : html`<ul>${recent.map((broadcast) => html`<li><a href="/broadcasts/${broadcast.id}">${DateTime.fromJSDate(broadcast.createdAt, { zone: viewer.timeZone }).toFormat('yyyy-LL-dd HH:mm')}</a> · ${words(`broadcasts.status.${broadcast.status}`)} · ${broadcast.recipientCount}</li>`)}</ul>`}`;
}

function reportFragment({ words }: PageContext, report: BroadcastReport): SafeHtml {
  const finished = report.status === 'done' || report.status === 'cancelled';
  return html`<dl class="report"${finished ? html` data-finished` : ''}>
<dt>${words('broadcasts.status_label')}</dt><dd data-status="${report.status}">${words(`broadcasts.status.${report.status}`)}</dd>
<dt>${words('broadcasts.recipients')}</dt><dd>${report.recipients}</dd>
<dt>${words('broadcasts.delivered')}</dt><dd data-delivered>${report.delivered}</dd>
<dt>${words('broadcasts.pending')}</dt><dd>${report.pending}</dd>
<dt>${words('broadcasts.failed')}</dt><dd>${report.failed + report.blocked}</dd>
<dt>${words('broadcasts.opted_out')}</dt><dd>${report.optedOut}</dd></dl>`;
}

/** A broadcast to the viewer's own cohorts (or theirs); anything else is "not found". */
async function findBroadcast(db: Database, viewer: Viewer, id: string) {
  const broadcast = await db.broadcast.findFirst({ where: viewer.admin ? { id: uuidOrNil(id) } : { id: uuidOrNil(id), OR: [{ coordinatorId: viewer.id }, { cohortIds: { hasSome: [...viewer.cohortIds] } }] } });
  if (!broadcast) throw new NotFoundError(`No broadcast ${id} for viewer ${viewer.id}`);
  return broadcast;
}

function languageName(context: PageContext, locale: string): string {
  return context.shared(`common:language.${locale}`);
}
