import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Clock } from '../core/clock.js';
import type { DashboardLinks } from '../features/dashboard-access/dashboard-links.js';
import { projectRoot } from '../paths.js';
import type { Database } from '../storage/prisma.js';
import { SESSION_COOKIE, registerAuthRoutes, signedOutPage } from './auth-routes.js';
import { html } from './html.js';
import { plainPage } from './layout.js';
import { NotFoundError, SignInRequiredError, browserLocale, type Translate } from './page-context.js';
import { DashboardSessions } from './sessions.js';
import { loadViewer, type Viewer } from './viewer.js';

declare module 'fastify' {
  interface FastifyRequest {
    viewer?: Viewer;
  }
}

export interface DashboardCore {
  readonly db: Database;
  readonly clock: Clock;
  readonly links: DashboardLinks;
  readonly translate: Translate;
  readonly admins: ReadonlySet<string>;
  readonly defaultLocale: string;
}

export interface DashboardAddress {
  readonly host: string;
  readonly port: number;
  /** The address people open (https behind a proxy); default http://localhost:<port>. */
  readonly publicUrl?: string;
}

/** Routes that serve signed-in viewers; each page file registers its own. */
export type PageRoutes = (app: FastifyInstance) => void | Promise<void>;
/** Routes open to anyone (health, metrics); each decides its own access. */
export type OpenRoutes = (app: FastifyInstance) => void | Promise<void>;

/** The stylesheet and the one script of the pages (web/), and Chart.js from node_modules: no CDN, machines may be offline. */
const STYLESHEET = readFileSync(path.join(projectRoot, 'web', 'dashboard.css'), 'utf8');
const PAGE_SCRIPT = readFileSync(path.join(projectRoot, 'web', 'dashboard.js'), 'utf8');
const CHART_JS = readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'), 'utf8');

/**
 * The coordinators' web workspace, served by the bot's own process: sign-in by a link from chat, a cookie session,
 * CSRF on every POST, security headers, and pages that show only the viewer's own families.
 */
export async function buildDashboard(core: DashboardCore, address: DashboardAddress, routes: { open: readonly OpenRoutes[]; pages: readonly PageRoutes[] }): Promise<FastifyInstance> {
  const secureCookies = address.publicUrl?.startsWith('https:') ?? false;
  const app = Fastify({ logger: false, trustProxy: secureCookies });
  const sessions = new DashboardSessions(core.db, core.clock);

  await app.register(fastifyHelmet, {
    hsts: secureCookies,
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: secureCookies ? [] : null, imgSrc: ["'self'", 'data:'] } },
  });
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  await app.register(fastifyCsrf, { cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: secureCookies } });
  app.decorateRequest('viewer', undefined);

  app.setErrorHandler((error, request, reply) => {
    // A signed-in viewer reads errors in their own language; anyone else in their browser's.
    const locale = request.viewer?.locale ?? browserLocale(request, core.translate, core.defaultLocale);
    const words = (key: string) => core.translate.t(locale, `dashboard:web.${key}`);
    if (error instanceof NotFoundError) return reply.code(404).type('text/html').send(plainPage(locale, words('not_found.title'), html`<p>${words('not_found.body')}</p><p><a href="/families">${words('nav.families')}</a></p>`).markup);
    if (error instanceof SignInRequiredError) return reply.code(401).type('text/html').send(signedOutPage(request, core.translate, core.defaultLocale, 'login.needed').markup);
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status === 403) return reply.code(403).type('text/html').send(plainPage(locale, words('forbidden.title'), html`<p>${words('forbidden.body')}</p>`).markup);
    request.log.error(error);
    return reply.code(status).send(status < 500 ? (error as Error).message : 'Something went wrong');
  });

  app.get('/assets/dashboard.css', (_request, reply) => reply.type('text/css').header('cache-control', 'max-age=3600').send(STYLESHEET));
  app.get('/assets/chart.umd.min.js', (_request, reply) => reply.type('text/javascript').header('cache-control', 'max-age=86400').send(CHART_JS));
  app.get('/assets/dashboard.js', (_request, reply) => reply.type('text/javascript').send(PAGE_SCRIPT));
  app.get('/', (_request, reply) => reply.redirect('/attention'));

  registerAuthRoutes(app, { links: core.links, sessions, translate: core.translate, defaultLocale: core.defaultLocale, secureCookies });
  for (const register of routes.open) await app.register(async (scope) => register(scope));

  await app.register(async (signedIn) => {
    signedIn.addHook('onRequest', async (request) => {
      const personId = await sessions.personOf(request.cookies[SESSION_COOKIE]);
      const viewer = personId ? await loadViewer(core.db, personId, core.admins) : undefined;
      if (!viewer) throw new SignInRequiredError('No session, or the session ended');
      request.viewer = viewer;
    });
    // Every form of a signed-in page carries the token; a POST without it is refused before anything runs.
    signedIn.addHook('preHandler', async (request, reply) => {
      if (request.method === 'POST') await new Promise<void>((resolve, reject) => signedIn.csrfProtection(request, reply, (error?: Error) => (error ? reject(error) : resolve())));
    });
    for (const register of routes.pages) await signedIn.register(async (scope) => register(scope));
  });
  return app;
}
