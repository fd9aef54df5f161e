import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/**
 * Programs Kinbridge runs and the Debian package of each: what a fresh Debian machine with Node 20 lacks is named
 * in one `apt-get install` line instead of surfacing as a run of confusing failures.
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
} as const;

export type SystemTool = keyof typeof debianPackageOf;

/** The tools among `tools` that are not on the PATH. */
export function missingTools(tools: readonly SystemTool[], searchPath = process.env.PATH ?? ''): SystemTool[] {
  return tools.filter((tool) => !findOnPath(tool, searchPath));
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
