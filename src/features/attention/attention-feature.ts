import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { AttentionItems, DEFAULT_ATTENTION_SETTINGS } from './attention-items.js';
import type { AttentionDeps, AttentionProvides } from './attention-ports.js';
import { attentionActions } from './attention-actions.js';
import { ATTENTION_EVENTS } from './attention-events.js';

/** The needs-attention feature's side of the contract with the flows (checked by `npm run flows:lint`). */
export const attentionFeature = defineFeature<AttentionDeps, AttentionProvides>({
  feature: 'attention',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: [...Object.values(ATTENTION_EVENTS)],
  readsChoices: [],
  actions: attentionActions,
  create(deps) {
    const attention = new AttentionItems(deps.db, deps.clock, deps.events, deps.settings.attention ?? DEFAULT_ATTENTION_SETTINGS);
    // Untaken items are checked every minute: an urgent one must not wait long past its deadline.
    return { provides: { attention }, jobs: [{ id: 'attention.escalate', everyMs: 60_000, run: () => attention.escalateUntaken().then(() => undefined) }] };
  },
});
