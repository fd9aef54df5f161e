import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { DashboardLinks } from './dashboard-links.js';
import { RedisLinkRequestLimiter } from './link-request-limiter.js';
import type { DashboardAccessDeps, DashboardAccessProvides } from './dashboard-access-ports.js';
import { dashboardAccessActions } from './dashboard-access-actions.js';

/** Sign-in links to the coordinators' dashboard, asked for in chat (checked by `npm run flows:lint`). */
export const dashboardAccessFeature = defineFeature<DashboardAccessDeps, DashboardAccessProvides>({
  feature: 'dashboard',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: [],
  readsChoices: [],
  actions: dashboardAccessActions,
  create(deps) {
    const limiter = new RedisLinkRequestLimiter(deps.redis, deps.keyPrefix);
    return { provides: { dashboardLinks: new DashboardLinks(deps.db, deps.clock, limiter, deps.dashboardLoginUrl, deps.isDashboardAdmin) } };
  },
});
