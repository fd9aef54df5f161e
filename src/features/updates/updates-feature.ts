import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { DEFAULT_MEDIA_RETENTION_DAYS } from '../shared-ports.js';
import { createUpdateServices } from './update-services.js';
import type { UpdatesDeps, UpdatesProvides } from './updates-ports.js';
import { updateActions } from './update-actions.js';

/** The updates feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const updatesFeature = defineFeature<UpdatesDeps, UpdatesProvides>({
  feature: 'updates',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: [],
  readsChoices: [],
  actions: updateActions,
  create(deps) {
    const updates = createUpdateServices(
      { db: deps.db, clock: deps.clock, outbox: deps.outbox, store: deps.mediaStore, fetcher: deps.fetcher, addressOf: deps.addressOf, translate: deps.translate },
      { limits: deps.settings.mediaLimits, retentionDays: deps.settings.mediaRetentionDays ?? DEFAULT_MEDIA_RETENTION_DAYS },
    );
    const retention = { id: 'updates.retention', everyMs: deps.settings.mediaRetentionSweepEveryMs ?? 3_600_000, run: () => updates.retention.sweep().then(() => undefined) };
    return { provides: { updates }, jobs: [retention] };
  },
});
