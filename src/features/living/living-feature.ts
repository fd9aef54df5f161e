import { fileURLToPath } from 'node:url';
import { defineFeature } from '../../core/feature-contract.js';
import { ChildMoves } from './child-moves.js';
import { livingActions } from './living-actions.js';
import { LIVING_EVENTS } from './living-events.js';
import type { LivingDeps, LivingProvides } from './living-ports.js';
import { StoredWhereabouts } from './stored-whereabouts.js';

/**
 * Where the child lives (with a parent, or at home): the living feature's side of the contract with the flows. It
 * is made before calls and play, which read where children live and listen for moves.
 */
export const livingFeature = defineFeature<LivingDeps, LivingProvides>({
  feature: 'living',
  declaredIn: fileURLToPath(import.meta.url),
  startsFlows: [],
  emits: [...Object.values(LIVING_EVENTS)],
  readsChoices: [],
  actions: livingActions,
  create(deps) {
    return { provides: { living: { whereabouts: new StoredWhereabouts(deps.db), moves: new ChildMoves(deps.db, deps.clock) } } };
  },
});
