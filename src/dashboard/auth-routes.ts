import type { FastifyInstance } from 'fastify';
import type { DashboardLinks } from '../features/dashboard-access/dashboard-links.js';
import { html, type SafeHtml } from './html.js';
import { plainPage } from './layout.js';
import type { Translate } from './page-context.js';
import type { DashboardSessions } from './sessions.js';

export const SESSION_COOKIE = 'kinbridge_session';

export interface AuthDeps {
  readonly links: DashboardLinks;
  readonly sessions: DashboardSessions;
  readonly translate: Translate;
  readonly defaultLocale: string;
  /** Cookies only over HTTPS (set when the dashboard's public address is https). */
  readonly secureCookies: boolean;
}

/**
 * Signing in with the link from chat. Opening the link only shows a button: chat apps fetch links to preview them,
 * and a preview must not spend a one-time link. Pressing the button (a POST with a CSRF token) redeems it.
 */
export function registerAuthRoutes(app: FastifyInstance, { links, sessions, translate, defaultLocale, secureCookies }: AuthDeps): void {
  const words = (key: string) => translate.t(defaultLocale, `dashboard:web.${key}`);

  app.get<{ Querystring: { token?: string } }>('/login', async (request, reply) => {
    const token = request.query.token ?? '';
    const body = html`<p>${words('login.explain')}</p>
<form method="post" action="/login"><input type="hidden" name="_csrf" value="${reply.generateCsrf()}"><input type="hidden" name="token" value="${token}"><button type="submit" class="primary">${words('login.continue')}</button></form>`;
    return reply.type('text/html').send(plainPage(defaultLocale, words, words('login.title'), body).markup);
  });

  app.post<{ Body: { token?: string } }>('/login', { preHandler: app.csrfProtection }, async (request, reply) => {
    const personId = await links.redeem(String(request.body?.token ?? ''));
    if (!personId) return reply.code(401).type('text/html').send(signedOutPage(defaultLocale, words, 'login.link_spent').markup);
    const { token, expiresAt } = await sessions.open(personId);
    reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: secureCookies, path: '/', expires: expiresAt });
    return reply.redirect('/attention', 303);
  });

  app.post('/logout', { preHandler: app.csrfProtection }, async (request, reply) => {
    await sessions.end(request.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.type('text/html').send(signedOutPage(defaultLocale, words, 'login.signed_out').markup);
  });
}

/** What someone without a session sees: how to get a link. */
export function signedOutPage(locale: string, words: (key: string) => string, reasonKey: string): SafeHtml {
  return plainPage(locale, words, words('login.title'), html`<p>${words(reasonKey)}</p><p>${words('login.how')}</p>`);
}
