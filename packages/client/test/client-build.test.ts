/**
 * The package as users get it: `@parley/client` resolves to the ESM build with types, and the browser build
 * reaches nothing Node-only: no `node:` import, no `require(`, and no bare import besides the protocol and zod.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const clientDir = resolve(here, '..');
const protocolDir = resolve(here, '../../protocol');

function jsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsFiles(path));
    else if (entry.name.endsWith('.js')) out.push(path);
  }
  return out;
}

/** Every module specifier a built file imports (static, dynamic and re-exports). */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /^\s*import\s*['"]([^'"]+)['"]/gm];
  for (const re of patterns) for (const m of source.matchAll(re)) found.push(m[1]!);
  return found;
}

function requireBuild(dir: string): string {
  const dist = join(dir, 'dist');
  if (!existsSync(join(dist, 'index.js'))) throw new Error(`${relative(process.cwd(), dist)} is missing: run \`npm run build\` first`);
  return dist;
}

describe('@parley/client build', () => {
  it('resolves by package name to the ESM build, with type declarations', async () => {
    const pkg = JSON.parse(readFileSync(join(clientDir, 'package.json'), 'utf8'));
    expect(pkg.type).toBe('module');
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(Object.keys(pkg.dependencies)).toEqual(['@parley/protocol']);
    requireBuild(clientDir);
    expect(existsSync(join(clientDir, 'dist/index.d.ts'))).toBe(true);
    const mod = await import('@parley/client');
    expect(typeof mod.createClient).toBe('function');
    expect(typeof mod.ParleyError).toBe('function');
  });

  it('imports nothing Node-only, in the client or in the protocol it depends on', () => {
    const offenders: string[] = [];
    const bare = new Set<string>();
    for (const dir of [clientDir, protocolDir]) {
      for (const file of jsFiles(requireBuild(dir))) {
        const source = readFileSync(file, 'utf8');
        const where = relative(clientDir, file);
        if (/\brequire\s*\(/.test(source)) offenders.push(`${where}: require(`);
        for (const spec of specifiers(source)) {
          if (spec.startsWith('node:')) offenders.push(`${where}: ${spec}`);
          else if (!spec.startsWith('.')) bare.add(spec);
        }
      }
    }
    expect(offenders).toEqual([]);
    expect([...bare].sort()).toEqual(['@parley/protocol', 'zod']);
  });

  it('compiles without Node types, so no Node global can slip into the source', () => {
    const tsconfig = JSON.parse(readFileSync(join(clientDir, 'tsconfig.json'), 'utf8'));
    expect(tsconfig.compilerOptions.types).toEqual([]);
    // Only language and browser libraries: no lib entry that would bring in Node's globals.
    expect(tsconfig.compilerOptions.lib.filter((l: string) => !/^(es\d{4}|esnext|dom)(\.[a-z.]+)?$/i.test(l))).toEqual([]);
  });
});
