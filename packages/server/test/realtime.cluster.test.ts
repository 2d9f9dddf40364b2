/**
 * Several real server processes (`node packages/server/dist/main.js`) on one PostgreSQL schema and one Redis:
 * events posted on one instance reach clients of the other, presence is shared, and when an instance is killed
 * with SIGKILL mid-stream its client resumes on the survivor with nothing lost. PostgreSQL + Redis only (see
 * vitest.config.ts); needs the build (`npm run build`), as CI runs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from './support/api.js';
import { person } from './support/fixtures.js';
import { tokenOf, WsClient, type Msg } from './support/realtime.js';
import { dropSchema, freshSchema } from './support/server.js';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '../dist/main.js');

interface Instance {
  name: string;
  url: string;
  child: ChildProcess;
  dataDir: string;
}

const schema = freshSchema();
const shared = {
  DATABASE_URL: process.env.DATABASE_URL,
  DATABASE_SCHEMA: schema,
  DATABASE_MAX_CONNECTIONS: '5',
  DATABASE_MIN_CONNECTIONS: '0',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  ADMIN_API_TOKEN: randomBytes(24).toString('hex'),
  PARLEY_SIGNING_KEY: randomBytes(32).toString('hex'),
  RATE_LIMIT_ENABLED: 'false',
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'info',
};

/** Starts `node dist/main.js` and resolves with its URL once it logs that it listens. */
function launch(name: string): Promise<Instance> {
  const dataDir = mkdtempSync(join(tmpdir(), `parley-${name}-`));
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, ...shared, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${out}\n${err}`)), 45_000);
    child.stderr!.on('data', (c: Buffer) => (err += String(c)));
    child.stdout!.on('data', (c: Buffer) => {
      out += String(c);
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve({ name, url: m[1]!, child, dataDir });
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${out}\n${err}`)));
  });
}

let a: Instance;
let b: Instance;
const clients: WsClient[] = [];
const admin = () => new Api(a.url, { authorization: `Bearer ${shared.ADMIN_API_TOKEN}` });

/** A user token minted on instance A; every instance accepts it (one signing key). */
async function userApi(userId: string, on: Instance): Promise<Api> {
  const res = await admin().post('/api/v1/management/tokens', { user_id: userId });
  expect(res.status).toBe(200);
  return new Api(on.url, { authorization: `Bearer ${res.body.data.token}` });
}

async function ws(userId: string, on: Instance, lastEventId?: number): Promise<WsClient> {
  const c = await WsClient.connect(on.url, { token: tokenOf(await userApi(userId, on)), lastEventId });
  clients.push(c);
  return c;
}

async function dialogWith(...users: string[]): Promise<string> {
  const res = await admin().post('/api/v1/management/dialogs', {
    object_id: `c-${randomBytes(4).toString('hex')}`,
    object_type: 'order',
    participants: users.map((u) => person(u)),
  });
  expect(res.status).toBe(200);
  return res.body.data.id;
}

beforeAll(async () => {
  expect(existsSync(MAIN), `${MAIN} is missing: run npm run build first`).toBe(true);
  // One after the other: the second start finds the migrations done.
  a = await launch('a');
  b = await launch('b');
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  for (const i of [a, b]) {
    if (!i) continue;
    if (i.child.exitCode === null && i.child.signalCode === null) {
      const exited = new Promise((r) => i.child.once('exit', r));
      i.child.kill('SIGTERM');
      await exited;
    }
    rmSync(i.dataDir, { recursive: true, force: true });
  }
  await dropSchema(shared.DATABASE_URL, schema);
});

describe('two instances, one database, one Redis', () => {
  it('a client on A receives what is posted on B', async () => {
    const d = await dialogWith('k-alice', 'k-bob');
    const bob = await ws('k-bob', a);
    const alice = await userApi('k-alice', b);
    const sent = await alice.post(`/api/v1/dialogs/${d}/messages`, { content: 'from B' });
    expect(sent.status).toBe(200);
    const got = await bob.waitFor((m) => m.id === sent.body.data.id, 'message posted on B');
    expect(got).toMatchObject({ type: 'message.new', dialog_id: d, sender_id: 'k-alice', content: 'from B' });
    expect(typeof got.event_id).toBe('number');
  });

  it('shares presence: online while connected anywhere, visible from every instance', async () => {
    const d = await dialogWith('k-carol', 'k-dave');
    const carol = await ws('k-carol', a);
    const carolOnA = await userApi('k-carol', a);
    const online = async () => {
      const res = await carolOnA.get(`/api/v1/dialogs/${d}/participants`);
      return Object.fromEntries(res.body.data.map((p: Msg) => [p.user_id, p.is_online]));
    };
    expect(await online()).toEqual({ 'k-carol': true, 'k-dave': false });
    const dave = await ws('k-dave', b);
    await carol.waitFor((m) => m.type === 'presence.update' && m.user_id === 'k-dave' && m.is_online === true, 'dave online (on B)');
    expect(await online()).toEqual({ 'k-carol': true, 'k-dave': true });
    await dave.close();
    await carol.waitFor((m) => m.type === 'presence.update' && m.user_id === 'k-dave' && m.is_online === false, 'dave offline');
    expect(await online()).toEqual({ 'k-carol': true, 'k-dave': false });
  });

  it('an instance killed mid-stream: its client resumes on the other with nothing lost', async () => {
    const d = await dialogWith('k-erin', 'k-finn');
    let client = await ws('k-finn', b);
    const erin = await userApi('k-erin', a);
    const total = 40;
    const posted: string[] = [];
    const posting = (async () => {
      for (let i = 0; i < total; i++) {
        const res = await erin.post(`/api/v1/dialogs/${d}/messages`, { content: `n${i}` });
        expect(res.status).toBe(200);
        posted.push(res.body.data.id);
      }
    })();
    const mine = (list: Msg[]) => list.filter((m) => m.type === 'message.new' && m.dialog_id === d);
    await client.waitFor(() => mine(client.received).length >= 10, 'ten messages on B');
    b.child.kill('SIGKILL');
    await client.closed;
    const before = client.events();
    client = await ws('k-finn', a, before.at(-1)!.event_id as number);
    await posting;
    await client.waitFor((m) => m.id === posted.at(-1), 'the last message, on A');
    const all = [...before, ...client.events()];
    const ids = all.map((m) => m.event_id as number);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(mine(all).map((m) => m.id)).toEqual(posted);
  });
});
