import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Programs (and a font) Kinbridge and its tests need and the Debian package of each: what a fresh Debian machine with
 * Node 20 lacks is named in one `apt-get install` line instead of surfacing as a run of confusing failures.
 */
export const debianPackageOf = {
  'redis-server': 'redis-server',
  'espeak-ng': 'espeak-ng',
  ffmpeg: 'ffmpeg',
  ffprobe: 'ffmpeg',
  faketime: 'faketime',
  pg_dump: 'postgresql-client',
  pg_restore: 'postgresql-client',
  /** The dashboard's browser tests drive it through playwright-core. */
  chromium: 'chromium',
  /** Chinese in Chromium's pages and screenshots (the dashboard's test artifacts) instead of empty boxes. */
  'noto-cjk': 'fonts-noto-cjk',
} as const;

/** Tools that are not programs, known by a file their package installs. */
const INSTALLED_FILE: Partial<Record<SystemTool, string>> = {
  'noto-cjk': 'usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
};

export type SystemTool = keyof typeof debianPackageOf;

/** The tools among `tools` that are not on the PATH (or, for a font, not under `fileRoot`). */
export function missingTools(tools: readonly SystemTool[], searchPath = process.env.PATH ?? '', fileRoot = '/'): SystemTool[] {
  return tools.filter((tool) => {
    const file = INSTALLED_FILE[tool];
    return file ? !existsSync(path.join(fileRoot, file)) : !findOnPath(tool, searchPath);
  });
}

/** The Debian packages that bring `tools`, each once, in a stable order. */
export function debianPackagesFor(tools: readonly SystemTool[]): string[] {
  return [...new Set(tools.map((tool) => debianPackageOf[tool]))].sort();
}

export function aptInstallLine(packages: readonly string[]): string {
  return `sudo apt-get install -y ${packages.join(' ')}`;
}

/** The full path of `program` in the first directory of `searchPath` that has it, executable. */
export function findOnPath(program: string, searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
