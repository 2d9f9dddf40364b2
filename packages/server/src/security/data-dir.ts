/**
 * @module security/data-dir: DATA_DIR holds the embedded database (deleted messages live on in its WAL), the
 * generated secrets and the disk store's files, so it is for this process's user only: created 0700, files
 * 0600 (umask 077), and a warning at start-up when an existing directory is open to others.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const OTHERS = 0o077;

/** Sets umask 077 for this process, creates DATA_DIR 0700 if missing; returns a warning when it is open to others. */
export function prepareDataDir(dataDir: string): string | undefined {
  process.umask(process.umask() | OTHERS);
  if (!existsSync(dataDir)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    return undefined;
  }
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & OTHERS) === 0) return undefined;
  return `DATA_DIR ${dataDir} is open to other users (mode 0${mode.toString(8)}); it holds the database, secrets and files: chmod 700 it`;
}

/**
 * Takes group and other permissions off everything under `dir`. The embedded database unpacks its first files
 * 0666 whatever the umask; the files it makes later follow the umask.
 */
export function restrictTree(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isSymbolicLink()) continue;
    if (st.mode & OTHERS) chmodSync(path, st.mode & 0o700);
    if (st.isDirectory()) restrictTree(path);
  }
}
