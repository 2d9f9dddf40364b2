// Builds dist/parley-ui.js: one self-contained ESM file (Lit, Tiptap, DOMPurify, marked, @parley/client inside),
// minified, and prints its size and gzip size. Parley serves it at /ui/parley-ui.js.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist', 'parley-ui.js');
await build({
  entryPoints: [join(root, 'dist', 'index.js')],
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  platform: 'browser',
  outfile,
  legalComments: 'eof',
  logLevel: 'warning',
});
const bytes = readFileSync(outfile);
const gzip = gzipSync(bytes, { level: 9 }).length;
const size = { bytes: bytes.length, gzip_bytes: gzip };
writeFileSync(join(root, 'dist', 'bundle-size.json'), JSON.stringify(size) + '\n');
console.log(`@parley/ui bundle: ${(bytes.length / 1024).toFixed(1)} KiB, ${(gzip / 1024).toFixed(1)} KiB gzip -> ${outfile}`);
