import path from 'node:path';
import { projectRoot } from '../../paths.js';

export const defaultCurriculumDir = path.join(projectRoot, 'curriculum');
