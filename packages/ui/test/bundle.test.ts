/**
 * The served bundle (/ui/parley-ui.js, built by `npm run build`) stays lean: no zod inside (the client routes
 * realtime frames with the protocol's schema-free guards), and the build wrote its size for the docs and bench.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = join(dirname(fileURLToPath(import.meta.url)), '../dist');

describe('the @parley/ui bundle', () => {
  it('carries no schema library and reports its size', () => {
    const file = join(dist, 'parley-ui.js');
    if (!existsSync(file)) throw new Error('packages/ui/dist/parley-ui.js is missing: run `npm run build` first');
    const source = readFileSync(file, 'utf8');
    // zod's error class survives minification by name; any import of a zod schema brings it.
    expect(source.includes('ZodError')).toBe(false);
    const size = JSON.parse(readFileSync(join(dist, 'bundle-size.json'), 'utf8')) as { bytes: number; gzip_bytes: number };
    expect(size.bytes).toBe(Buffer.byteLength(source));
    expect(size.gzip_bytes).toBeGreaterThan(0);
  });
});
