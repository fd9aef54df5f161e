import type { SharedPorts } from '../shared-ports.js';
import type { ConsentService } from './consents.js';

export type ConsentDeps = Pick<SharedPorts, 'db' | 'clock' | 'translate'>;

export interface ConsentProvides {
  readonly consents: ConsentService;
}

export type ConsentActionDeps = ConsentDeps & ConsentProvides;
