/**
 * @parley/chatkit's public types against @openai/chatkit's (devDependency): tsc compiles types/chatkit-types.ts
 * (api configs, content, attachments, entities, event payloads), and must reject types/chatkit-types.bad.ts.
 * Bundler resolution, as the package's own extensionless imports need. No server involved.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = fileURLToPath(new URL('./types/', import.meta.url));
const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));

async function compile(file: string): Promise<{ ok: boolean; output: string }> {
  const args = [
    '--noEmit',
    '--strict',
    '--skipLibCheck',
    '--target',
    'ES2022',
    '--lib',
    'ES2022,DOM',
    '--module',
    'ESNext',
    '--moduleResolution',
    'Bundler',
    `${dir}${file}`,
  ];
  try {
    const { stdout } = await run(process.execPath, [tsc, ...args], { cwd: dir });
    return { ok: true, output: stdout };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('@openai/chatkit type conformance of @parley/chatkit', () => {
  it('accepts chatkit-js api configs and matches its content, attachment, entity and event shapes', async () => {
    const result = await compile('chatkit-types.ts');
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  }, 120_000);

  it('the harness rejects shapes that disagree', async () => {
    const result = await compile('chatkit-types.bad.ts');
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/missingText|'text'/);
    expect(result.output).toMatch(/chatkit-types\.bad\.ts\(10,/);
  }, 120_000);
});
