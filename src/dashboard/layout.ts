import { html, type SafeHtml } from './html.js';
import type { PageContext } from './page-context.js';

const NAV = [
  { path: '/attention', key: 'nav.attention' },
  { path: '/families', key: 'nav.families' },
  { path: '/broadcasts', key: 'nav.broadcasts' },
  { path: '/enrolment', key: 'nav.enrolment' },
  { path: '/engagement', key: 'nav.engagement' },
] as const;

/** The frame of every signed-in page: navigation, who is signed in, and the sign-out button. */
export function page(context: PageContext, title: string, body: SafeHtml, scripts: readonly string[] = []): SafeHtml {
  const { words, viewer, csrf } = context;
  return document(
    viewer.locale,
    title,
    html`<header>
  <nav>${NAV.map((item) => html`<a href="${item.path}">${words(item.key)}</a>`)}${viewer.admin ? html`<a href="/admin/queues">${words('nav.queues')}</a>` : ''}</nav>
  <form method="post" action="/logout" class="signout"><input type="hidden" name="_csrf" value="${csrf}"><span>${viewer.displayName}</span> <button type="submit">${words('sign_out')}</button></form>
</header>
<main><h1>${title}</h1>${body}</main>`,
    scripts,
  );
}

/** A page without navigation: signing in, signed out, not found. */
export function plainPage(locale: string, title: string, body: SafeHtml): SafeHtml {
  return document(locale, title, html`<main class="plain"><h1>${title}</h1>${body}</main>`, []);
}

function document(locale: string, title: string, body: SafeHtml, scripts: readonly string[]): SafeHtml {
  return html`<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Kinbridge</title><link rel="stylesheet" href="/assets/dashboard.css"></head>
<body>${body}${scripts.map((src) => html`<script src="${src}"></script>`)}</body>
</html>`;
}
