/** @module security/secrets: secrets Parley generates on first start and keeps in DATA_DIR (mode 0600). */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Reads DATA_DIR/<name>, or creates it with `make()` (exclusively, so two processes never disagree). */
export function loadOrCreate(dataDir: string, name: string, make: () => string): { value: string; created: boolean } {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, name);
  try {
    writeFileSync(file, make(), { flag: 'wx', mode: 0o600 });
    return { value: readFileSync(file, 'utf8').trim(), created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { value: readFileSync(file, 'utf8').trim(), created: false };
  }
}

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export interface SigningKey {
  kid: string;
  secret: string;
  /** Epoch seconds; the newest key signs, older ones only verify until they are dropped. */
  created_at?: number;
}

const KEEP_KEYS = 3;

function kidOf(secret: string): string {
  return `k${createHash('sha256').update(secret).digest('base64url').slice(0, 10)}`;
}

/**
 * The keys that sign Parley's own user tokens. PARLEY_SIGNING_KEY (comma-separated: the first signs, the others
 * still verify, for a rotation across instances), or a key ring generated into DATA_DIR/signing-keys.json that
 * gains a new key when the newest is older than `rotateAfterSecs` at `at` (older keys keep verifying).
 */
export function loadSigningKeys(dataDir: string, configured?: string, rotateAfterSecs?: number, at: Date = new Date()): SigningKey[] {
  if (configured) {
    return configured
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((secret) => ({ kid: kidOf(secret), secret }));
  }
  const file = join(dataDir, 'signing-keys.json');
  const now = Math.floor(at.getTime() / 1000);
  const fresh = (): SigningKey => ({ kid: randomSecret(6), secret: randomSecret(32), created_at: now });
  const { value } = loadOrCreate(dataDir, 'signing-keys.json', () => JSON.stringify([fresh()]));
  let keys = JSON.parse(value) as SigningKey[];
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`${file} holds no key`);
  const newest = keys[0]!;
  if (rotateAfterSecs !== undefined && now - (newest.created_at ?? now) >= rotateAfterSecs) {
    keys = [fresh(), ...keys].slice(0, KEEP_KEYS);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(keys), { mode: 0o600 });
    renameSync(tmp, file);
  }
  return keys;
}
