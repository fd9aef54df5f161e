import type { FastifyInstance } from 'fastify';
import { describeItem } from '../features/attention/attention-actions.js';
import { AttentionNotFoundError, AttentionOwnerError, type AttentionView } from '../features/attention/attention-items.js';
import type { AppServices } from '../features/feature-list.js';
import type { AttentionStatus } from '../storage/generated/enums.js';
import type { Database } from '../storage/prisma.js';
import type { AccessLog } from './access-log.js';
import { shortDate, uuidOrNil } from './family-routes.js';
import { html, type SafeHtml } from './html.js';
import { page } from './layout.js';
import { orNotFound, pageContext, viewerOf, type PageContext, type Translate } from './page-context.js';
import type { Viewer } from './viewer.js';

export interface AttentionRouteDeps {
  readonly db: Database;
  readonly translate: Translate;
  readonly accessLog: AccessLog;
  readonly features: Pick<AppServices, 'attention' | 'translate'>;
}

const STATUSES: readonly AttentionStatus[] = ['new', 'acknowledged', 'in_progress', 'closed'];
const NOT_VISIBLE = [AttentionNotFoundError, AttentionOwnerError];

/**
 * The needs-attention list on the attention feature's own service (which keeps each viewer to their cohorts and
 * writes the trail): oldest first, take an item, set its status and owner, add private notes, read the trail.
 */
export function attentionRoutes({ db, translate, accessLog, features }: AttentionRouteDeps) {
  const { attention } = features;
  const line = (item: AttentionView, viewer: Viewer) => describeItem(item, { ...viewer, optedOutAt: null }, features.translate).replace(/^• /, '');

  return (app: FastifyInstance): void => {
    app.get('/attention', async (request, reply) => {
      const context = pageContext(request, reply, translate);
      const items = await attention.openFor(context.viewer.id);
      const body = items.length === 0
        ? html`<p class="empty">${context.words('attention.none')}</p>`
        : html`${items.map((item) => html`<article class="card${item.urgent ? ' urgent' : ''}" data-item="${item.id}">
<p><a href="/attention/${item.id}">${line(item, context.viewer)}</a></p>
<p><span data-status="${item.status}">${context.words(`attention.status.${item.status}`)}</span>${item.status === 'new' ? html` <form method="post" action="/attention/${item.id}/acknowledge" class="inline"><input type="hidden" name="_csrf" value="${context.csrf}"><button type="submit">${context.words('attention.take')}</button></form>` : ''}</p></article>`)}`;
      return reply.type('text/html').send(page(context, context.words('nav.attention'), body).markup);
    });

    app.get<{ Params: { id: string } }>('/attention/:id', async (request, reply) => {
      const context = pageContext(request, reply, translate);
      const item = await orNotFound(() => attention.find(context.viewer.id, uuidOrNil(request.params.id)), NOT_VISIBLE);
      await accessLog.record(context.viewer.id, 'attention', item.familyId);
      const people = await db.person.findMany({ where: { id: { in: await attention.audienceOf(item.id) } }, select: { id: true, displayName: true }, orderBy: { displayName: 'asc' } });
      const body = html`<p class="${item.urgent ? 'urgent' : ''}">${line(item, context.viewer)}</p>
${item.excerpt ? html`<blockquote class="excerpt">${item.excerpt}</blockquote><p><small>${context.words('attention.excerpt_private')}</small></p>` : ''}
<p><a href="/families/${item.familyId}">${context.words('attention.family_page')}</a></p>
${itemForms(context, item.id, item.status, people)}
<h2>${context.words('attention.notes')}</h2>
${item.notes.length === 0 ? html`<p class="empty">${context.words('attention.no_notes')}</p>` : html`<ul class="notes">${item.notes.map((note) => html`<li><time>${shortDate(note.createdAt, context.viewer)}</time> ${note.author ?? '—'}: ${note.text}</li>`)}</ul>`}
<form method="post" action="/attention/${item.id}/notes" class="stack"><input type="hidden" name="_csrf" value="${context.csrf}"><label>${context.words('attention.note')} <textarea name="text" rows="3" required maxlength="2000"></textarea></label><button type="submit">${context.words('attention.add_note')}</button></form>
<h2>${context.words('attention.trail')}</h2>
<ol class="trail">${item.trail.map((event) => html`<li><time>${shortDate(event.at, context.viewer)}</time> ${event.actor ?? context.words('attention.system')}: ${context.words(`attention.action.${event.action}`)}</li>`)}</ol>`;
      return reply.type('text/html').send(page(context, context.words('attention.item_title'), body).markup);
    });

    app.post<{ Params: { id: string } }>('/attention/:id/acknowledge', async (request, reply) => {
      await orNotFound(() => attention.acknowledge(viewerOf(request).id, uuidOrNil(request.params.id)), NOT_VISIBLE);
      return reply.redirect('/attention', 303);
    });

    app.post<{ Params: { id: string }; Body: { status?: string } }>('/attention/:id/status', async (request, reply) => {
      const status = STATUSES.find((known) => known === request.body.status);
      if (status) await orNotFound(() => attention.setStatus(viewerOf(request).id, uuidOrNil(request.params.id), status), NOT_VISIBLE);
      return reply.redirect(`/attention/${uuidOrNil(request.params.id)}`, 303);
    });

    app.post<{ Params: { id: string }; Body: { owner?: string } }>('/attention/:id/owner', async (request, reply) => {
      await orNotFound(() => attention.assign(viewerOf(request).id, uuidOrNil(request.params.id), uuidOrNil(request.body.owner ?? '')), NOT_VISIBLE);
      return reply.redirect(`/attention/${uuidOrNil(request.params.id)}`, 303);
    });

    app.post<{ Params: { id: string }; Body: { text?: string } }>('/attention/:id/notes', async (request, reply) => {
      const text = request.body.text?.trim();
      if (text) await orNotFound(() => attention.addNote(viewerOf(request).id, uuidOrNil(request.params.id), text.slice(0, 2000)), NOT_VISIBLE);
      return reply.redirect(`/attention/${uuidOrNil(request.params.id)}`, 303);
    });
  };
}

function itemForms({ words, csrf }: PageContext, id: string, status: AttentionStatus, people: readonly { id: string; displayName: string }[]): SafeHtml {
  return html`<form method="post" action="/attention/${id}/status" class="filters"><input type="hidden" name="_csrf" value="${csrf}">
<label>${words('attention.status_label')} <select name="status">${STATUSES.map((value) => html`<option value="${value}"${value === status ? html` selected` : ''}>${words(`attention.status.${value}`)}</option>`)}</select></label>
<button type="submit">${words('attention.save')}</button></form>
<form method="post" action="/attention/${id}/owner" class="filters"><input type="hidden" name="_csrf" value="${csrf}">
<label>${words('attention.owner')} <select name="owner">${people.map((person) => html`<option value="${person.id}">${person.displayName}</option>`)}</select></label>
<button type="submit">${words('attention.assign')}</button></form>`;
}
