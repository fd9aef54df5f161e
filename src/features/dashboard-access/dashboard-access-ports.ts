import type { SharedPorts } from '../shared-ports.js';
import type { DashboardLinks } from './dashboard-links.js';

export type DashboardAccessDeps = Pick<SharedPorts, 'db' | 'clock' | 'redis' | 'keyPrefix' | 'dashboardLoginUrl' | 'isDashboardAdmin'>;

export interface DashboardAccessProvides {
  /** One-time sign-in links to the web dashboard (/dashboard in chat). */
  readonly dashboardLinks: DashboardLinks;
}

export type DashboardAccessActionDeps = DashboardAccessDeps & DashboardAccessProvides;
