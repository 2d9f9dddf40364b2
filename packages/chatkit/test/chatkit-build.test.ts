/**
 * @parley/chatkit runs in browsers: esbuild bundles it for the browser platform with every `node:` module and
 * Node builtin left unresolvable, so any Node-only import (here or in the client and protocol code it reuses)
 * fails the bundle. Prints the bundle size.
 */
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const alias = (pkg: string) => fileURLToPath(new URL(`../../${pkg}/src/index.ts`, import.meta.url));

describe('@parley/chatkit browser build', () => {
  it('bundles for the browser without any Node-only module', async () => {
    const touched: string[] = [];
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      minify: true,
      logLevel: 'silent',
      alias: { '@parley/client': alias('client'), '@parley/protocol': alias('protocol') },
      plugins: [
        {
          name: 'no-node',
          setup(b) {
            const builtins = new Set(builtinModules);
            b.onResolve({ filter: /.*/ }, (args) => {
              if (args.path.startsWith('node:') || builtins.has(args.path)) {
                touched.push(`${args.path} from ${args.importer}`);
                return { path: args.path, external: true };
              }
              return undefined;
            });
          },
        },
      ],
    });
    expect(touched).toEqual([]);
    const bytes = result.outputFiles[0]!.contents.byteLength;
    console.log(`@parley/chatkit browser bundle (with @parley/client, @parley/protocol, zod): ${(bytes / 1024).toFixed(1)} KiB minified`);
    expect(bytes).toBeGreaterThan(0);
  });
});
