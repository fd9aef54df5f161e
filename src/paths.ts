import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, wherever the process was started from. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const defaultFlowsDir = path.join(projectRoot, 'flows');
export const defaultLocalesDir = path.join(projectRoot, 'locales');
/** Approved templates for channels with a reply window (WhatsApp), per proactive message kind and language. */
export const defaultMessageTemplatesFile = path.join(projectRoot, 'config', 'whatsapp-templates.yaml');
/** What a deployment keeps on its own disk unless told otherwise: the secret, media, speech cache. */
export const defaultStateDir = path.join(projectRoot, '.kinbridge');
/** Photos, videos and voice notes: a private directory, never a web server's public path. */
export const defaultMediaDir = path.join(defaultStateDir, 'media');
