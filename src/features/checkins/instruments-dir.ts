import path from 'node:path';
import { projectRoot } from '../../paths.js';

/** Where check-in instruments live, one YAML file each. */
export const defaultInstrumentsDir = path.join(projectRoot, 'instruments');
