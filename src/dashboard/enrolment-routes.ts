import type { FastifyInstance, FastifyReply } from 'fastify';
import QRCode from 'qrcode';
import type { AppServices } from '../features/feature-list.js';
import { FAMILY_INVITE_ROLES, NotCoordinatorError } from '../features/families/families.js';
import { formatInviteCode } from '../features/families/invite-code.js';
import type { IssuedInvite } from '../features/families/invites.js';
import type { Role } from '../storage/generated/enums.js';
import type { Database } from '../storage/prisma.js';
import { uuidOrNil } from './family-routes.js';
import { html, type SafeHtml } from './html.js';
import { page } from './layout.js';
import { orNotFound, pageContext, type PageContext, type Translate } from './page-context.js';

export interface EnrolmentRouteDeps {
  readonly db: Database;
  readonly translate: Translate;
  readonly features: Pick<AppServices, 'families' | 'inviteLink'>;
}

type NewFamilyForm = Record<'name' | 'cohort' | 'child' | 'birth' | 'kindergarten' | 'class', string | undefined>;

/**
 * Enrolment at a kindergarten: a coordinator creates a family (or fresh invites for one) and prints a sheet with one
 * card per invite: a QR code of the Telegram link, and the code in large digits for WeChat. Codes are secrets: shown
 * on that one page, never stored in clear, never cached.
 */
export function enrolmentRoutes({ db, translate, features }: EnrolmentRouteDeps) {
  return (app: FastifyInstance): void => {
    app.get('/enrolment', async (request, reply) => {
      const context = pageContext(request, reply, translate);
      return reply.type('text/html').send(page(context, context.words('nav.enrolment'), await enrolmentForms(db, context)).markup);
    });

    app.post<{ Body: NewFamilyForm }>('/enrolment/families', async (request, reply) => {
      const context = pageContext(request, reply, translate);
      const form = request.body;
      const birth = form.birth?.trim() ?? '';
      if (!form.name?.trim() || !form.child?.trim() || !/^\d{4}-\d{2}-\d{2}$/.test(birth) || !context.viewer.cohortIds.includes(form.cohort ?? '')) {
        return reply.code(400).type('text/html').send(page(context, context.words('nav.enrolment'), html`<p class="error">${context.words('enrolment.incomplete')}</p>${await enrolmentForms(db, context)}`).markup);
      }
      const { invites } = await features.families.create(context.viewer.id, {
        name: form.name.trim(),
        cohortId: form.cohort!,
        children: [{ name: form.child.trim(), birthDate: birth, kindergarten: form.kindergarten?.trim() || null, className: form.class?.trim() || null }],
      });
      return sendSheet(reply, context, form.name.trim(), invites, features);
    });

    app.post<{ Body: { family?: string; role?: string } }>('/enrolment/invites', async (request, reply) => {
      const context = pageContext(request, reply, translate);
      const role = FAMILY_INVITE_ROLES.includes(request.body.role as Role) ? (request.body.role as Role) : 'caregiver';
      const familyId = uuidOrNil(request.body.family ?? '');
      const invite = await orNotFound(() => features.families.reinvite(context.viewer.id, familyId, role), [NotCoordinatorError]);
      const family = await db.family.findUniqueOrThrow({ where: { id: familyId }, select: { name: true } });
      return sendSheet(reply, context, family.name, [invite], features);
    });
  };
}

async function enrolmentForms(db: Database, { words, viewer, csrf }: PageContext): Promise<SafeHtml> {
  if (viewer.cohortIds.length === 0) return html`<p>${words('enrolment.coordinators_only')}</p>`;
  const [cohorts, families] = await Promise.all([
    db.cohort.findMany({ where: { id: { in: [...viewer.cohortIds] } }, select: { id: true, name: true }, orderBy: { name: 'asc' } }),
    db.family.findMany({ where: { cohortId: { in: [...viewer.cohortIds] } }, select: { id: true, name: true, cohort: { select: { name: true } } }, orderBy: { name: 'asc' } }),
  ]);
  return html`<h2>${words('enrolment.new_family')}</h2>
<form method="post" action="/enrolment/families" class="stack"><input type="hidden" name="_csrf" value="${csrf}">
<label>${words('enrolment.family_name')} <input name="name" required maxlength="100"></label>
<label>${words('families.filter.cohort')} <select name="cohort">${cohorts.map((cohort) => html`<option value="${cohort.id}">${cohort.name}</option>`)}</select></label>
<label>${words('enrolment.child_name')} <input name="child" required maxlength="100"></label>
<label>${words('enrolment.birth')} <input name="birth" type="date" required></label>
<label>${words('enrolment.kindergarten')} <input name="kindergarten" maxlength="100"></label>
<label>${words('enrolment.class')} <input name="class" maxlength="100"></label>
<button type="submit" class="primary">${words('enrolment.create')}</button></form>
<h2>${words('enrolment.more_invites')}</h2>
<form method="post" action="/enrolment/invites" class="stack"><input type="hidden" name="_csrf" value="${csrf}">
<label>${words('families.col.family')} <select name="family">${families.map((family) => html`<option value="${family.id}">${family.name} · ${family.cohort?.name ?? ''}</option>`)}</select></label>
<label>${words('enrolment.role')} <select name="role">${FAMILY_INVITE_ROLES.map((role) => html`<option value="${role}">${words(`role.${role}`)}</option>`)}</select></label>
<button type="submit" class="primary">${words('enrolment.issue')}</button></form>`;
}

async function sendSheet(reply: FastifyReply, context: PageContext, familyName: string, invites: readonly IssuedInvite[], features: Pick<AppServices, 'inviteLink'>) {
  const cards = await Promise.all(invites.map((invite) => inviteCard(context, familyName, invite, features.inviteLink(invite.code))));
  const body = html`<p class="no-print">${context.words('enrolment.sheet_hint')}</p><div class="invite-sheet">${cards}</div>`;
  return reply.type('text/html').header('cache-control', 'no-store').send(page(context, context.words('enrolment.sheet_title', { family: familyName }), body).markup);
}

async function inviteCard({ words }: PageContext, familyName: string, invite: IssuedInvite, link: string | undefined): Promise<SafeHtml> {
  const qr = link ? await QRCode.toDataURL(link, { errorCorrectionLevel: 'M', margin: 1, width: 320 }) : undefined;
  return html`<section class="invite-card" data-role="${invite.role}"><h2>${familyName} · ${words(`role.${invite.role}`)}</h2>
${qr ? html`<img src="${qr}" alt="${words('enrolment.qr_alt')}"><p>${words('enrolment.scan')}</p>` : ''}
<p>${words('enrolment.or_type')}</p><p class="code">${formatInviteCode(invite.code)}</p></section>`;
}
