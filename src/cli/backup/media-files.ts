import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';

/** The media directory's files, as paths relative to it ("ab/ab12….jpg"); none when it does not exist yet. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

/** Copies each relative path from one directory to the other; folders private to this user, as the media store makes them. */
export async function copyFiles(relativePaths: readonly string[], fromDir: string, toDir: string): Promise<void> {
  for (const relative of relativePaths) {
    const target = path.join(toDir, relative);
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    await copyFile(path.join(fromDir, relative), target);
  }
}
