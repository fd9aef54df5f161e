import { DateTime } from 'luxon';
import { defineAction } from '../../core/flow-action.js';
import type { DashboardAccessActionDeps } from './dashboard-access-ports.js';

/** `/dashboard` in chat: a one-time sign-in link for coordinators and teachers (flows/dashboard.yaml). */
export const dashboardAccessActions = [
  defineAction<DashboardAccessActionDeps>({
    name: 'dashboard.requestLink',
    outcomes: ['issued', 'not_staff', 'too_many'],
    async run({ dashboardLinks }, { person }) {
      const request = await dashboardLinks.request(person.id);
      if (request.outcome !== 'issued') return { outcome: request.outcome };
      const expiresAt = DateTime.fromJSDate(request.expiresAt, { zone: person.timeZone }).setLocale(person.locale).toLocaleString(DateTime.TIME_SIMPLE);
      // The link signs someone in: shown once, never kept in the session, replaced in the outbox's copy once sent.
      return { outcome: 'issued', vars: { link_expires_at: expiresAt }, secrets: { dashboard_link: request.url } };
    },
  }),
];
