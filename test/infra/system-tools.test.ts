import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { debianPackagesFor, missingTools } from '../../src/infra/system-tools.js';

/** What `npm test` installs: the Chinese font the browser tests' screenshots need counts like a program. */
describe('system tools', () => {
  it('finds the CJK font by the file its Debian package installs, and names that package when it is missing', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'kinbridge-root-'));
    expect(missingTools(['noto-cjk'], '', root)).toEqual(['noto-cjk']);
    expect(debianPackagesFor(['noto-cjk', 'chromium'])).toEqual(['chromium', 'fonts-noto-cjk']);

    const fonts = path.join(root, 'usr/share/fonts/opentype/noto');
    mkdirSync(fonts, { recursive: true });
    writeFileSync(path.join(fonts, 'NotoSansCJK-Regular.ttc'), '');
    expect(missingTools(['noto-cjk'], '', root)).toEqual([]);
  });
});
