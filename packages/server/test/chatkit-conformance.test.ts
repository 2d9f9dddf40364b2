/**
 * Conformance with the official ChatKit TypeScript types (`@openai/chatkit`, devDependency): compiles
 * conformance/chatkit-types.ts with tsc (assignability both ways where the protocol needs it), and checks that
 * the harness fails on a deliberately wrong file. Bundler resolution: the package's own extensionless imports
 * (`./widgets`) resolve only so; under NodeNext its widget types would silently be `any`. Runs the same on both backends (no server involved).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = fileURLToPath(new URL('./conformance/', import.meta.url));
const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));

async function compile(file: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await run(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--target',
        'ES2022',
        '--lib',
        'ES2023,DOM',
        '--module',
        'ESNext',
        '--moduleResolution',
        'Bundler',
        `${dir}${file}`,
      ],
      { cwd: dir },
    );
    return { ok: true, output: stdout };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('@openai/chatkit type conformance', () => {
  it('Parley’s ChatKit shapes and the demo widgets are assignable to and from the official types', async () => {
    const result = await compile('chatkit-types.ts');
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  }, 120_000);

  it('the harness rejects shapes that disagree with them', async () => {
    const result = await compile('chatkit-types.bad.ts');
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/missingText|Property 'text' is missing/);
    expect(result.output).toMatch(/wrongRoot|'"Box"' is not assignable/);
  }, 120_000);
});
