import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { KinbridgeMetrics } from './metrics.js';
import { viewerOf } from './page-context.js';

/** Something /readyz asks: it resolves when reachable and throws (with a reason) when not. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

/** /healthz: the process answers. /readyz: PostgreSQL, Redis and each channel answer too (503 naming what does not). */
export function healthRoutes(checks: readonly ReadinessCheck[]) {
  return (app: FastifyInstance): void => {
    app.get('/healthz', async () => ({ status: 'ok' }));
    app.get('/readyz', async (_request, reply) => {
      const results = await Promise.all(
        checks.map(async ({ name, check }) => {
          try {
            await check();
            return [name, 'ok'] as const;
          } catch (error) {
            return [name, error instanceof Error ? error.message : String(error)] as const;
          }
        }),
      );
      const ready = results.every(([, state]) => state === 'ok');
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
    });
  };
}

/** Prometheus's scrape; meant for a private network (bind the dashboard to it, or block /metrics at the proxy). */
export function metricsRoute(metrics: KinbridgeMetrics) {
  return (app: FastifyInstance): void => {
    app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  };
}

/** Bull Board at /admin/queues, read-only, for admins only (DASHBOARD_ADMINS); everyone else gets "forbidden". */
export function queueBoardRoutes(queues: () => readonly Queue[]) {
  return async (app: FastifyInstance): Promise<void> => {
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath('/admin/queues');
    createBullBoard({ queues: queues().map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })), serverAdapter });
    app.addHook('onRequest', async (request) => {
      if (!viewerOf(request).admin) throw Object.assign(new Error('Queue health is for admins'), { statusCode: 403 });
    });
    // Bull Board's own page runs inline scripts of its own: its pages get no content-security-policy header.
    app.addHook('onSend', async (_request, reply) => {
      reply.removeHeader('content-security-policy');
    });
    await app.register(serverAdapter.registerPlugin(), { prefix: '/admin/queues' });
  };
}
