import type { FastifyInstance } from 'fastify';
import type { Clock } from '../core/clock.js';
import type { Database } from '../storage/prisma.js';
import { cohortEngagement, familiesWithContact, playFunnel, weeklyCalls } from './engagement.js';
import { html, type SafeHtml } from './html.js';
import { page } from './layout.js';
import { pageContext, viewerOf, type PageContext, type Translate } from './page-context.js';

export interface EngagementRouteDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly translate: Translate;
}

/**
 * Who stays in touch: active people per cohort, calls per week against the plans' targets, the play funnel; charts
 * drawn by Chart.js served from this process. The CSV carries figures only; an admin may add `?personal=1` for a
 * line per family (name, last contact), and only an admin.
 */
export function engagementRoutes({ db, clock, translate }: EngagementRouteDeps) {
  return (app: FastifyInstance): void => {
    app.get('/engagement', async (request, reply) => {
      const context = pageContext(request, reply, translate);
      const now = clock.now();
      const [cohorts, calls, funnel] = await Promise.all([cohortEngagement(db, context.viewer, now), weeklyCalls(db, context.viewer, now), playFunnel(db, context.viewer)]);
      const { words } = context;
      const body = html`<p class="no-print"><a href="/engagement.csv">${words('engagement.csv')}</a></p>
<table class="cohorts"><thead><tr><th>${words('families.col.cohort')}</th><th>${words('engagement.families')}</th><th>${words('engagement.members')}</th><th>${words('engagement.active7')}</th><th>${words('engagement.active30')}</th></tr></thead>
<tbody>${cohorts.map((row) => html`<tr><td>${row.cohort}</td><td>${row.families}</td><td>${row.members}</td><td>${row.active7}</td><td>${row.active30}</td></tr>`)}</tbody></table>
<h2>${words('engagement.calls_title')}</h2>
${chart(context, 'bar', calls.map((week) => week.week), [
  { label: words('engagement.calls'), data: calls.map((week) => week.calls), type: 'bar' },
  { label: words('engagement.target'), data: calls.map((week) => week.target), type: 'line' },
])}
<h2>${words('engagement.play_title')}</h2>
${chart(context, 'bar', funnel.map((week) => week.week), [
  { label: words('engagement.reached'), data: funnel.map((week) => week.reached) },
  { label: words('engagement.done'), data: funnel.map((week) => week.done) },
  { label: words('engagement.dropped'), data: funnel.map((week) => week.reached - week.done) },
])}`;
      return reply.type('text/html').send(page(context, words('nav.engagement'), body, ['/assets/chart.umd.min.js', '/assets/dashboard.js']).markup);
    });

    app.get<{ Querystring: { personal?: string } }>('/engagement.csv', async (request, reply) => {
      const viewer = viewerOf(request);
      const now = clock.now();
      const personal = request.query.personal === '1' && viewer.admin;
      const rows = personal
        ? [['family', 'cohort', 'last_contact'], ...(await familiesWithContact(db, viewer)).map((row) => [row.family, row.cohort ?? '', row.lastContactAt?.toISOString() ?? ''])]
        : [['cohort', 'families', 'members', 'active_7_days', 'active_30_days'], ...(await cohortEngagement(db, viewer, now)).map((row) => [row.cohort, row.families, row.members, row.active7, row.active30])];
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="kinbridge-${personal ? 'families' : 'engagement'}-${now.toISOString().slice(0, 10)}.csv"`)
        .send(toCsv(rows));
    });
  };
}

interface Series {
  readonly label: string;
  readonly data: readonly number[];
  readonly type?: 'bar' | 'line';
}

/** A canvas the page script turns into a chart; the figures also stay readable as a table for screen readers and print. */
function chart({ words }: PageContext, type: 'bar', labels: readonly string[], datasets: readonly Series[]): SafeHtml {
  const spec = { type, data: { labels, datasets }, options: { responsive: true, animation: false } };
  return html`<div class="chart"><canvas data-chart="${JSON.stringify(spec)}" role="img" aria-label="${datasets.map((series) => series.label).join(', ')}"></canvas>
<details><summary>${words('engagement.figures')}</summary><table><thead><tr><th></th>${labels.map((label) => html`<th>${label}</th>`)}</tr></thead>
<tbody>${datasets.map((series) => html`<tr><th>${series.label}</th>${series.data.map((value) => html`<td>${value}</td>`)}</tr>`)}</tbody></table></details></div>`;
}

/** RFC 4180: every field quoted, quotes doubled; a leading = + - @ is defused so a spreadsheet never runs it as a formula. */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  const field = (value: string | number) => `"${String(value).replace(/^([=+\-@])/, "'$1").replace(/"/g, '""')}"`;
  return `${rows.map((row) => row.map(field).join(',')).join('\r\n')}\r\n`;
}
