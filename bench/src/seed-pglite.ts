/**
 * @module seed-pglite: seeds an embedded (PGlite) data directory in its own process, so the WASM database's
 * work runs beside the PostgreSQL seeding instead of blocking the driver. Prints {secs, version} as JSON.
 * Usage: node seed-pglite.js <pglite dir> <SeedSpec as JSON>
 */
import { parleySeedSql, seedPglite } from './seed.js';

const [dir, spec] = process.argv.slice(2);
if (!dir || !spec) {
  process.stderr.write('usage: seed-pglite <dir> <spec-json>\n');
  process.exit(2);
}
const result = await seedPglite(dir, parleySeedSql(JSON.parse(spec)));
process.stdout.write(JSON.stringify(result) + '\n');
