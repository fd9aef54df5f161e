import type { SharedPorts } from '../shared-ports.js';
import type { ChildMoves } from './child-moves.js';
import type { StoredWhereabouts } from './stored-whereabouts.js';

export type LivingDeps = Pick<SharedPorts, 'db' | 'clock' | 'events' | 'translate'>;

export interface LivingProvides {
  /** Where each child lives (with a parent, or at home), its history, and recording a move; calls and play listen. */
  readonly living: { readonly moves: ChildMoves; readonly whereabouts: StoredWhereabouts };
}

export type LivingActionDeps = LivingDeps & LivingProvides;
