import type { FastifyInstance } from 'fastify';
import type { Clock } from '../core/clock.js';
import { CityGazetteer } from '../features/people/city-gazetteer.js';
import type { Database } from '../storage/prisma.js';
import { ENGAGEMENT_GROUPINGS, NO_GROUP, familiesWithContact, groupEngagement, playFunnel, weeklyCalls, type EngagementGrouping, type GroupEngagement } from './engagement.js';
import { html, type SafeHtml } from './html.js';
import { page } from './layout.js';
import { pageContext, viewerOf, type PageContext, type Translate } from './page-context.js';
import type { Viewer } from './viewer.js';
import { countryName } from './zone-countries.js';

export interface EngagementRouteDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly translate: Translate;
}

/**
 * Who stays in touch: active people, calls against the plans' targets and the play funnel per cohort and by group
 * (county, kindergarten and class, parent's country), calls per week, the play funnel by week; charts drawn by
 * Chart.js served from this process. The CSV carries figures only; an admin may add `?personal=1` for a
 * line per family (name, last contact), and only an admin.
 */
export function engagementRoutes({ db, clock, translate }: EngagementRouteDeps) {
  return (app: FastifyInstance): void => {
    app.get('/engagement', async (request, reply) => {
      const context = pageContext(request, reply, translate);
      const now = clock.now();
      const [groups, calls, funnel] = await Promise.all([engagementByGroup(db, context.viewer, now), weeklyCalls(db, context.viewer, now), playFunnel(db, context.viewer)]);
      const { words } = context;
      const body = html`<p class="no-print"><a href="/engagement.csv">${words('engagement.csv')}</a></p>
${groups.map(({ grouping, rows }) => groupTable(context, grouping, rows))}
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
        : [[...CSV_GROUP_COLUMNS], ...(await engagementByGroup(db, viewer, now)).flatMap(({ grouping, rows }) => rows.map((row) => [grouping, groupName(grouping, row.group, viewer.locale), ...figuresOf(row)]))];
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="kinbridge-${personal ? 'families' : 'engagement'}-${now.toISOString().slice(0, 10)}.csv"`)
        .send(toCsv(rows));
    });
  };
}

const CSV_GROUP_COLUMNS = ['grouping', 'group', 'families', 'members', 'active_7_days', 'active_30_days', 'calls_7_days', 'target_calls_per_week', 'play_children_reached', 'play_children_done'] as const;
const FIGURE_WORDS = ['families', 'members', 'active7', 'active30', 'calls7', 'target_per_week', 'play_reached', 'play_done'] as const;

/** Every grouping's figures, cohorts first. */
function engagementByGroup(db: Database, viewer: Viewer, now: Date): Promise<{ grouping: EngagementGrouping; rows: GroupEngagement[] }[]> {
  return Promise.all(ENGAGEMENT_GROUPINGS.map(async (grouping) => ({ grouping, rows: await groupEngagement(db, viewer, now, grouping) })));
}

function figuresOf(row: GroupEngagement): number[] {
  return [row.families, row.members, row.active7, row.active30, row.calls7, row.targetPerWeek, row.playReached, row.playDone];
}

/** Read once, on the first page that names a county. */
let places: CityGazetteer | undefined;

/** Countries are stored as codes and counties as English names: both are read in the reader's language. */
function groupName(grouping: EngagementGrouping, group: string, locale: string): string {
  if (group === NO_GROUP) return group;
  if (grouping === 'country') return countryName(group, locale);
  if (grouping === 'county') return (places ??= new CityGazetteer()).cityAsSaid(group, locale);
  return group;
}

/** One grouping's figures as a table; beyond cohorts, a chart of how many of the group's people are active. */
function groupTable(context: PageContext, grouping: EngagementGrouping, rows: readonly GroupEngagement[]): SafeHtml {
  const { words, viewer } = context;
  const names = rows.map((row) => groupName(grouping, row.group, viewer.locale));
  return html`<h2>${words(`engagement.by_${grouping}`)}</h2>
<table class="groups" data-grouping="${grouping}"><thead><tr><th>${words(`engagement.group_${grouping}`)}</th>${FIGURE_WORDS.map((key) => html`<th>${words(`engagement.${key}`)}</th>`)}</tr></thead>
<tbody>${rows.map((row, index) => html`<tr><th scope="row">${names[index]}</th>${figuresOf(row).map((value) => html`<td>${value}</td>`)}</tr>`)}</tbody></table>
${grouping === 'cohort' ? html`` : chart(context, 'bar', names, [
  { label: words('engagement.members'), data: rows.map((row) => row.members) },
  { label: words('engagement.active30'), data: rows.map((row) => row.active30) },
  { label: words('engagement.active7'), data: rows.map((row) => row.active7) },
])}`;
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
