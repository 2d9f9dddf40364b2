/**
 * SEARCH_LANGUAGE (docs/search.md): `simple` by default (word for word), a language configuration stems words,
 * a change rebuilds the index of the messages already stored, and a name the database does not know stops start-up.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/app.js';
import { chatUser, send, unique } from './support/chat.js';
import { createDialog, person } from './support/fixtures.js';
import { restartServer } from './support/restart.js';
import { found, word } from './support/search.js';
import { dropSchema, startServer, testEnv, type TestServer } from './support/server.js';

let server: TestServer | undefined;
afterAll(async () => {
  await server?.close();
});

describe('configuration', () => {
  it('defaults to simple and refuses a value that cannot be a configuration name', () => {
    expect(loadConfig({}).search.language).toBe('simple');
    expect(loadConfig({ SEARCH_LANGUAGE: 'english' }).search.language).toBe('english');
    expect(() => loadConfig({ SEARCH_LANGUAGE: "english'; DROP TABLE messages" })).toThrow(ConfigError);
    expect(() => loadConfig({ SEARCH_LANGUAGE: 'English' })).toThrow(/SEARCH_LANGUAGE/);
  });

  // The first start of a test worker builds its PGlite template: slow on a busy machine.
  it('a configuration the database does not have stops start-up, naming the setting and the known ones', { timeout: 120_000 }, async () => {
    const env = testEnv({ SEARCH_LANGUAGE: 'klingon' });
    try {
      await expect(startServer(env)).rejects.toThrow(/SEARCH_LANGUAGE: 'klingon'.*english/s);
    } finally {
      rmSync(env.DATA_DIR!, { recursive: true, force: true });
      await dropSchema(env.DATABASE_URL, env.DATABASE_SCHEMA);
    }
  });
});

describe('languages', () => {
  it('english stems words; switching back to simple re-indexes the stored messages word for word', { timeout: 120_000 }, async () => {
    server = await startServer({ SEARCH_LANGUAGE: 'english' });
    const [a, b] = [unique('a'), unique('b')];
    const d = await createDialog(server, { participants: [person(a), person(b)] });
    const w = word();
    const msg = await send(await chatUser(server, a), d.id, `the ${w} shipped yesterday`);
    const reader = await chatUser(server, b);
    expect(await found(reader, `${w} shipping`)).toEqual([msg.id]);
    // A stop word of English means nothing there.
    expect(await found(reader, `the ${w}`)).toEqual([msg.id]);

    server = await restartServer(server, { SEARCH_LANGUAGE: 'simple' });
    const again = await chatUser(server, b);
    expect(await found(again, `${w} shipping `)).toEqual([]);
    expect(await found(again, `${w} shipped`)).toEqual([msg.id]);
    expect(await found(again, `the ${w} shipped`)).toEqual([msg.id]);
    expect(await found(again, `a ${w}`)).toEqual([]);
  });
});
