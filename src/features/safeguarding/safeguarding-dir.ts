import path from 'node:path';
import { projectRoot } from '../../paths.js';

/** Where a safeguarding lead keeps the phrase lists and the help directory. */
export const defaultSafeguardingDir = path.join(projectRoot, 'safeguarding');
