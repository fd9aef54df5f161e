import { cpSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultFlowsDir, defaultLocalesDir } from '../../src/paths.js';

/** A copy of the shipped flows and locales plus test-only ones, which a test may edit while the bot runs. */
export interface FlowWorkspace {
  readonly flowsDir: string;
  readonly localesDir: string;
  writeFlow(name: string, yaml: string): void;
}

export function createFlowWorkspace(flows: Record<string, string>, texts: Record<string, Record<string, string>>): FlowWorkspace {
  const root = mkdtempSync(path.join(tmpdir(), 'kinbridge-flows-'));
  const flowsDir = path.join(root, 'flows');
  const localesDir = path.join(root, 'locales');
  cpSync(defaultFlowsDir, flowsDir, { recursive: true });
  cpSync(defaultLocalesDir, localesDir, { recursive: true });
  for (const [locale, namespace] of Object.entries(texts)) {
    mkdirSync(path.join(localesDir, locale), { recursive: true });
    writeFileSync(path.join(localesDir, locale, 'test.json'), JSON.stringify(namespace));
  }
  const writeFlow = (name: string, yaml: string): void => writeFileSync(path.join(flowsDir, name), yaml);
  for (const [name, yaml] of Object.entries(flows)) writeFlow(name, yaml);
  return { flowsDir, localesDir, writeFlow };
}

export function readShippedFlow(name: string): string {
  return readFileSync(path.join(defaultFlowsDir, name), 'utf8');
}
