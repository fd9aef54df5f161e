import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { DEFAULT_MEDIA_RETENTION_DAYS } from '../shared-ports.js';
import { BroadcastWorker } from './broadcast-worker.js';
import { BroadcastService } from './broadcasts.js';
import type { BroadcastsDeps, BroadcastsProvides } from './broadcasts-ports.js';
import { broadcastActions } from './broadcast-actions.js';

/** The broadcasts feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const broadcastsFeature = defineFeature<BroadcastsDeps, BroadcastsProvides>({
  feature: 'broadcasts',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: [],
  readsChoices: [],
  actions: broadcastActions,
  create(deps) {
    const broadcasts = new BroadcastService(deps.db, deps.outbox, deps.clock, deps.settings.broadcastFallbackLocales ?? ['zh-CN', 'en'], deps.mediaStore);
    const broadcastRunner = new BroadcastWorker({
      queues: deps.queues,
      broadcasts,
      people: deps.people,
      outbox: deps.outbox,
      translate: deps.translate,
      logger: deps.logger,
      checkEveryMs: deps.settings.broadcastCheckEveryMs,
    });
    const forgetAttachments = {
      id: 'broadcasts.forget-attachments',
      everyMs: deps.settings.mediaRetentionSweepEveryMs ?? 3_600_000,
      run: () => broadcasts.forgetOldAttachments(deps.settings.mediaRetentionDays ?? DEFAULT_MEDIA_RETENTION_DAYS).then(() => undefined),
    };
    return { provides: { broadcasts, broadcastRunner }, jobs: [forgetAttachments] };
  },
});
