import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../features/feature-list.js';
import { AccessLog } from './access-log.js';
import { attentionRoutes } from './attention-routes.js';
import { broadcastRoutes } from './broadcast-routes.js';
import { enrolmentRoutes } from './enrolment-routes.js';
import { engagementRoutes } from './engagement-routes.js';
import { buildDashboard, type DashboardAddress, type DashboardCore } from './dashboard-server.js';
import { familyRoutes, type FamilyRouteDeps } from './family-routes.js';
import type { KinbridgeMetrics } from './metrics.js';
import { healthRoutes, metricsRoute, queueBoardRoutes, type ReadinessCheck } from './operations-routes.js';

export interface DashboardDeps extends DashboardCore, Omit<FamilyRouteDeps, 'accessLog' | 'translate'> {
  /** The feature services the pages act through (broadcasts, families and invites), never storage of their own. */
  readonly features: Pick<AppServices, 'broadcasts' | 'broadcastRunner' | 'supportedLocales' | 'families' | 'inviteLink' | 'attention' | 'translate'>;
  readonly metrics: KinbridgeMetrics;
  readonly readiness: readonly ReadinessCheck[];
  readonly queues: () => readonly Queue[];
}

export interface RunningDashboard {
  /** Where a person on this machine opens it (http://localhost:<port>), or the public address when configured. */
  readonly url: string;
  close(): Promise<void>;
}

/** The port is taken, most often by another bot process on this machine that serves the dashboard already. */
export class DashboardPortInUseError extends Error {
  override readonly name = 'DashboardPortInUseError';
}

/** Builds the dashboard with every page and listens; `url` is known once it listens (port 0 picks a free one). */
export async function startDashboard(deps: DashboardDeps, address: DashboardAddress): Promise<RunningDashboard> {
  const accessLog = new AccessLog(deps.db, deps.clock);
  const app: FastifyInstance = await buildDashboard(deps, address, {
    open: [healthRoutes(deps.readiness), metricsRoute(deps.metrics)],
    pages: [attentionRoutes({ ...deps, accessLog }), familyRoutes({ ...deps, accessLog }), broadcastRoutes(deps), enrolmentRoutes(deps), engagementRoutes(deps), queueBoardRoutes(deps.queues)],
  });
  try {
    await app.listen({ host: address.host, port: address.port });
  } catch (error) {
    await app.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new DashboardPortInUseError(`${address.host}:${address.port} is in use`, { cause: error });
    throw error;
  }
  const port = (app.server.address() as { port: number }).port;
  return { url: address.publicUrl ?? `http://localhost:${port}`, close: () => app.close() };
}
