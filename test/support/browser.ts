import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../../src/paths.js';

/** Where browser tests leave their screenshots (git-ignored): test-artifacts/<suite>/. */
export function artifactsDir(suite: string): string {
  const dir = path.join(projectRoot, 'test-artifacts', suite);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Debian's Chromium (installed by `npm test` like the other Debian tools), headless; root needs --no-sandbox. The
 * browser is the coordinator's own machine: it runs on the real clock even in the suite's time-travel passes.
 */
export async function launchChromium(): Promise<Browser> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name, value]) => value !== undefined && !/^(FAKETIME|LD_PRELOAD$)/.test(name))) as Record<string, string>;
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, env, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
}

/** A phone-sized page: the dashboard must work on one. */
export async function phonePage(browser: Browser, locale: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale, deviceScaleFactor: 1 });
  return context.newPage();
}
