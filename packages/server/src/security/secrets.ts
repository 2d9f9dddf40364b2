/** @module security/secrets: secrets Parley generates on first start and keeps in DATA_DIR (mode 0600). */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
}

/** The key that signs Parley's own user tokens: PARLEY_SIGNING_KEY, or one generated into DATA_DIR. */
export function loadSigningKeys(dataDir: string, configured?: string): SigningKey[] {
  if (configured) return [{ kid: 'env', secret: configured }];
  const { value } = loadOrCreate(dataDir, 'signing-keys.json', () =>
    JSON.stringify([{ kid: randomSecret(6), secret: randomSecret(32) }]),
  );
  const keys = JSON.parse(value) as SigningKey[];
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`${join(dataDir, 'signing-keys.json')} holds no key`);
  return keys;
}
