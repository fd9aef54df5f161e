import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DashboardLinks } from '../features/dashboard-access/dashboard-links.js';
import { html, type SafeHtml } from './html.js';
import { plainPage } from './layout.js';
import { browserLocale, type Translate } from './page-context.js';
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
  app.get<{ Querystring: { token?: string } }>('/login', async (request, reply) => {
    const { locale, words } = signedOutWords(request, translate, defaultLocale);
    const token = request.query.token ?? '';
    const body = html`<p>${words('login.explain')}</p>
<form method="post" action="/login"><input type="hidden" name="_csrf" value="${reply.generateCsrf()}"><input type="hidden" name="token" value="${token}"><button type="submit" class="primary">${words('login.continue')}</button></form>`;
    return reply.type('text/html').send(plainPage(locale, words('login.title'), body).markup);
  });

  app.post<{ Body: { token?: string } }>('/login', { preHandler: app.csrfProtection }, async (request, reply) => {
    const personId = await links.redeem(String(request.body?.token ?? ''));
    if (!personId) return reply.code(401).type('text/html').send(signedOutPage(request, translate, defaultLocale, 'login.link_spent').markup);
    // A browser-session cookie: the server ends the session after SESSION_TTL_MS by its own clock, the browser when it closes.
    const { token } = await sessions.open(personId);
    reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: secureCookies, path: '/' });
    return reply.redirect('/attention', 303);
  });

  app.post('/logout', { preHandler: app.csrfProtection }, async (request, reply) => {
    await sessions.end(request.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.type('text/html').send(signedOutPage(request, translate, defaultLocale, 'login.signed_out').markup);
  });
}

/** The dashboard's words for someone not signed in, in their browser's language. */
export function signedOutWords(request: FastifyRequest, translate: Translate, defaultLocale: string): { locale: string; words: (key: string) => string } {
  const locale = browserLocale(request, translate, defaultLocale);
  return { locale, words: (key) => translate.t(locale, `dashboard:web.${key}`) };
}

/** What someone without a session sees: why, and how to get a link. */
export function signedOutPage(request: FastifyRequest, translate: Translate, defaultLocale: string, reasonKey: string): SafeHtml {
  const { locale, words } = signedOutWords(request, translate, defaultLocale);
  return plainPage(locale, words('login.title'), html`<p>${words(reasonKey)}</p><p>${words('login.how')}</p>`);
}
