import path from 'node:path';
import { ActionRegistry } from '../engine/action-registry.js';
import { flowContext } from '../engine/flow-context.js';
import { loadFlowDirectory, loadFlowFiles } from '../engine/flow-loader.js';
import { Translator } from '../engine/translator.js';
import { features } from '../features/feature-list.js';
import { defaultFlowsDir, defaultLocalesDir } from '../paths.js';
import { lintContent } from './content-lint.js';

/**
 * `npm run flows:lint [files…]`: checks flow files (all of flows/ by default) against the shipped locales and
 * actions; prints `file:line: message` per problem and exits 1 on any.
 */
async function main(files: string[]): Promise<number> {
  const translator = Translator.load(defaultLocalesDir);
  // Linting needs only the actions' names and outcomes, never their services.
  const context = flowContext(translator, ActionRegistry.forChecking(features));
  return lintContent(async () => {
    const flows = files.length > 0 ? await loadFlowFiles(files.map((file) => path.resolve(file)), context) : await loadFlowDirectory(defaultFlowsDir, context);
    return `${flows.length} flow(s) OK`;
  });
}

process.exitCode = await main(process.argv.slice(2));
