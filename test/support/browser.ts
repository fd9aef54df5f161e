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

/** Debian's Chromium (installed by `npm test` like the other Debian tools), headless; root needs --no-sandbox. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
}

/** A phone-sized page (the dashboard must work on one) that keeps its screenshots in `dir`. */
export async function phonePage(browser: Browser, locale: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale, deviceScaleFactor: 1 });
  return context.newPage();
}
