/**
 * @module run: the benchmark driver. Starts the four targets as separate processes on 127.0.0.1 (raw baseline,
 * socket.io peer, Parley on PostgreSQL + Redis, Parley embedded on PGlite), seeds the dialog-list data set,
 * then runs each scenario against every target in turn, and writes bench/results/<date>.md.
 *
 * Options: --quick (tiny sizes, a smoke run), --out=<file>, --targets=raw,peer,parley-pg,parley-pglite,
 * --scenarios=list,search,throughput,hot,webhooks,fanout,connections,agents, --skip-seed (development only). Env: BENCH_DATABASE_URL, BENCH_REDIS_URL.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { describeMachine } from './machine.js';
import { makePlan } from './plan.js';
import { LABELS, render, type Section } from './report.js';
import type { ScenarioResult } from './result.js';
import { agents } from './scenarios/agents.js';
import { connections } from './scenarios/connections.js';
import { dialogList } from './scenarios/dialog-list.js';
import { fanout } from './scenarios/fanout.js';
import { search } from './scenarios/search.js';
import { hotDialog } from './scenarios/hot-dialog.js';
import { sendWithWebhooks, startWebhookReceiver } from './scenarios/webhooks.js';
import { throughput } from './scenarios/throughput.js';
import { baselineSeedSql, parleySeedSql, seedPostgres, seededCounts } from './seed.js';
import { removeLogs, REPO, startBaseline, startParley, tail, type Kind, type ServerProc } from './servers.js';
import { ParleyTarget, PeerTarget, RawTarget, type Target } from './targets.js';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'] as const;
  }),
);
const quick = args.has('quick');
const only = (name: string, all: string[]) => (args.get(name) ?? all.join(',')).split(',').filter((x) => all.includes(x));
const KINDS = only('targets', ['raw', 'peer', 'parley-pg', 'parley-pglite']) as Kind[];
const SCENARIOS = only('scenarios', ['list', 'search', 'throughput', 'hot', 'webhooks', 'fanout', 'connections', 'agents']);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const HERE = dirname(fileURLToPath(import.meta.url));

const began = performance.now();
const startedAt = new Date();
const elapsed = () => ((performance.now() - began) / 1000).toFixed(0).padStart(4) + ' s';
const log = (s: string) => process.stdout.write(`[${elapsed()}] ${s}\n`);

const pgliteVersion = (
  JSON.parse(readFileSync(join(REPO, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string }
).version;
const machine = await describeMachine(DATABASE_URL, REDIS_URL, `@electric-sql/pglite ${pgliteVersion}`);
const { plan, scaled } = makePlan(machine, quick);
log(
  `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb.toFixed(1)} GB, Node ${machine.node}, PostgreSQL ${machine.postgres}, open files ${machine.fdSoft}`,
);
for (const s of scaled) log(`scaled down: ${s}`);

const id = `bench_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
const schemas = { raw: `${id}_raw`, peer: `${id}_peer`, parley: `${id}_parley`, webhooks: `${id}_webhooks` };
const work = mkdtempSync(join(tmpdir(), 'parley-bench-'));
const parleyEnv = (dataDir: string) => ({
  adminToken: randomBytes(24).toString('hex'),
  signingKey: randomBytes(32).toString('hex'),
  dataDir,
});
const pgEnv = parleyEnv(join(work, 'parley-pg'));
const liteEnv = parleyEnv(join(work, 'parley-pglite'));
const servers = new Map<Kind, ServerProc>();
const setup: string[] = [];

async function cleanup(): Promise<void> {
  await Promise.all([...servers.values()].map((s) => s.stop().catch(() => undefined)));
  servers.clear();
  const client = new pg.Client({ connectionString: DATABASE_URL });
  try {
    await client.connect();
    // BENCH_KEEP_SCHEMAS=1 leaves the seeded schemas in place, to study a query by hand (drop them yourself).
    if (process.env.BENCH_KEEP_SCHEMAS === '1') log(`kept the bench schemas: ${Object.values(schemas).join(', ')}`);
    else for (const s of Object.values(schemas)) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  } catch (err) {
    log(`could not drop the bench schemas (${Object.values(schemas).join(', ')}): ${String(err)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  rmSync(work, { recursive: true, force: true });
  removeLogs();
}
process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
process.once('SIGTERM', () => void cleanup().finally(() => process.exit(143)));

/** The size of Parley's GIN search index on PostgreSQL (after the seed). */
async function searchIndexBytes(): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  try {
    await client.connect();
    const r = await client.query(`SELECT pg_relation_size(to_regclass($1)) AS bytes`, [`${schemas.parley}.messages_search_idx`]);
    return Number(r.rows[0]?.bytes ?? NaN);
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Seeds the PGlite data directory in a child process (the server that owns it is stopped). */
async function seedEmbedded(dir: string): Promise<{ secs: number; version: string }> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(HERE, 'seed-pglite.js'), dir, JSON.stringify(plan.seed)], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

async function startAll(): Promise<Target[]> {
  log(`starting ${KINDS.map((k) => LABELS[k]).join(', ')}`);
  const start = async (k: Kind): Promise<ServerProc> => {
    switch (k) {
      case 'raw':
        return startBaseline('raw', DATABASE_URL, schemas.raw);
      case 'peer':
        return startBaseline('peer', DATABASE_URL, schemas.peer);
      case 'parley-pg':
        return startParley('parley-pg', {
          ...pgEnv,
          postgres: { url: DATABASE_URL, schema: schemas.parley, redisUrl: REDIS_URL, redisPrefix: id },
        });
      case 'parley-pglite':
        return startParley('parley-pglite', liteEnv);
    }
  };
  for (const [k, s] of await Promise.all(KINDS.map(async (k) => [k, await start(k)] as const))) servers.set(k, s);

  const counts = seededCounts(plan.seed);
  if (args.has('skip-seed')) {
    setup.push('**not seeded** (--skip-seed): the dialog list ran on an empty database');
    return targetsOf();
  }
  log(
    `seeding ${counts.messages.toLocaleString('en-US')} messages in ${counts.dialogs.toLocaleString('en-US')} dialogs per target (bulk SQL)`,
  );
  let embedded: Promise<{ secs: number; version: string }> | undefined;
  if (servers.has('parley-pglite')) {
    // The embedded database belongs to its server: stop it (migrations have run), seed, start it again.
    await servers.get('parley-pglite')!.stop();
    servers.delete('parley-pglite');
    embedded = seedEmbedded(join(liteEnv.dataDir, 'pglite'));
  }
  const seeded: string[] = [];
  const pgSeeds: [Kind, string, string[]][] = [
    ['raw', schemas.raw, baselineSeedSql(plan.seed)],
    ['peer', schemas.peer, baselineSeedSql(plan.seed)],
    ['parley-pg', schemas.parley, parleySeedSql(plan.seed)],
  ];
  for (const [k, schema, sql] of pgSeeds) {
    if (servers.has(k)) seeded.push(`${LABELS[k]} ${(await seedPostgres(DATABASE_URL, schema, sql)).toFixed(0)} s`);
  }
  if (embedded) {
    const e = await embedded;
    seeded.push(`${LABELS['parley-pglite']} ${e.secs.toFixed(0)} s (PGlite runs PostgreSQL ${e.version})`);
    servers.set('parley-pglite', await startParley('parley-pglite', liteEnv));
  }
  setup.push(
    `dialog-list data set in every target: ${counts.dialogs.toLocaleString('en-US')} dialogs, ${counts.messages.toLocaleString('en-US')} messages, ` +
      `3 members per dialog, the listing user in ${counts.listerDialogs.toLocaleString('en-US')} of them; seeded with bulk SQL in ${seeded.join(', ')}`,
  );
  setup.push('the seeded data stays in place for the other scenarios, so every target works on a database of that size');
  log(`seeded: ${seeded.join(', ')}`);

  return targetsOf();
}

function targetsOf(): Target[] {
  return KINDS.map((k) => {
    const s = servers.get(k)!;
    if (k === 'raw') return new RawTarget(s);
    if (k === 'peer') return new PeerTarget(s);
    return new ParleyTarget(k, s, k === 'parley-pg' ? pgEnv.adminToken : liteEnv.adminToken);
  });
}

async function each(targets: Target[], name: string, fn: (t: Target) => Promise<ScenarioResult>): Promise<Map<Kind, ScenarioResult>> {
  const results = new Map<Kind, ScenarioResult>();
  for (const t of targets) {
    log(`${name}: ${t.label}`);
    try {
      results.set(t.kind, await fn(t));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log(`  failed: ${message}\n${tail(t.server.logFile, 5)}`);
      results.set(t.kind, { metrics: [], notes: [], error: message });
    }
  }
  return results;
}

const sections: Section[] = [];
try {
  const targets = await startAll();
  const tp = plan.throughput;
  const fo = plan.fanout;
  const cn = plan.connections;
  const counts = seededCounts(plan.seed);
  if (SCENARIOS.includes('list')) {
    sections.push({
      title: 'Dialog list',
      what: `The first page of the dialog list of a user in ${counts.listerDialogs.toLocaleString('en-US')} dialogs, in a database of ${counts.messages.toLocaleString('en-US')} messages; ${plan.list.requests} requests one after another after ${plan.list.warmup} to warm up. Parley: \`GET /api/v1/dialogs\` (a page of 50 with participants, last message, unread count); baselines: one SQL statement for the same page.`,
      results: await each(targets, 'dialog list', (t) => dialogList(t, plan.list, log)),
    });
  }
  const searchable = targets.filter((t) => t.search);
  if (SCENARIOS.includes('search') && searchable.length > 0) {
    const indexBytes = servers.has('parley-pg') ? await searchIndexBytes() : undefined;
    sections.push({
      title: 'Message search',
      what: `Full-text search (\`GET /api/v1/messages/search\`, first page of 20) by a user in ${counts.listerDialogs.toLocaleString('en-US')} dialogs, in a database of ${counts.messages.toLocaleString('en-US')} messages: a rare word (in 1 message of 20,000), a common word (1 in 10) and a phrase (1 in 100; its words reversed in another 1 in 100), newest first and by relevance; ${plan.search.requests} requests one after another per query after ${plan.search.warmup} to warm up. Parley only (the baselines have no search). The index size is PostgreSQL's.`,
      results: await each(searchable, 'search', (t) => search(t, plan.search, log, t.kind === 'parley-pg' ? indexBytes : undefined)),
    });
  }
  if (SCENARIOS.includes('throughput')) {
    sections.push({
      title: 'Send and delivery throughput',
      what: `${tp.dialogs} dialogs of ${tp.members} members (${tp.users} users, all connected); members post at ${tp.rates.join(', ')} messages/s, ${tp.stepSecs} s per rate, open loop (at most ${tp.maxInflight} sends in flight). Send latency: intended send time to acknowledgement; delivery latency: intended send time to receipt by each other member. Server CPU is the server process only (100% = one core); PostgreSQL's own processes are not in it, PGlite's work is.`,
      results: await each(targets, 'throughput', (t) => throughput(t, tp, log)),
    });
  }
  if (SCENARIOS.includes('hot')) {
    const h = plan.hot;
    sections.push({
      title: 'One hot dialog',
      what: `One dialog of ${h.members} members, all online; ${h.senders} senders post ${h.messages} messages to it in a closed loop (each sends again as soon as it is acknowledged). Send latency: request to acknowledgement; delivery latency: request to receipt by each other member.`,
      results: await each(targets, 'hot dialog', (t) => hotDialog(t, h, log)),
    });
  }
  if (SCENARIOS.includes('webhooks')) {
    const results = new Map<Kind, ScenarioResult>();
    for (const kind of KINDS.filter((k): k is 'parley-pg' | 'parley-pglite' => k === 'parley-pg' || k === 'parley-pglite')) {
      log(`send with WEBHOOK_URL: ${LABELS[kind]}`);
      const receiver = await startWebhookReceiver();
      const env = parleyEnv(join(work, `${kind}-webhooks`));
      const extra = { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: randomBytes(24).toString('hex') };
      const proc = await startParley(kind, {
        ...env,
        extra,
        ...(kind === 'parley-pg'
          ? { postgres: { url: DATABASE_URL, schema: schemas.webhooks, redisUrl: REDIS_URL, redisPrefix: `${id}_wh` } }
          : {}),
      });
      const t = new ParleyTarget(kind, proc, env.adminToken);
      try {
        results.set(kind, await sendWithWebhooks(t, plan.webhooks, receiver, log));
      } catch (err) {
        results.set(kind, { metrics: [], notes: [], error: err instanceof Error ? err.message : String(err) });
      } finally {
        await t.dispose();
        await proc.stop().catch(() => undefined);
        await receiver.close();
      }
    }
    const w = plan.webhooks;
    sections.push({
      title: 'Send and delivery throughput with WEBHOOK_URL set',
      what: `The send scenario (${w.dialogs} dialogs of ${w.members} members, rates ${w.rates.join(', ')}/s, ${w.stepSecs} s each) on a Parley of its own (empty database) with webhooks sent to a receiver in the driver that answers 204 at once. Webhook lag: intended send time to receipt of the message's \`message_new\` webhook.`,
      results,
    });
  }
  if (SCENARIOS.includes('fanout')) {
    sections.push({
      title: `Fan-out to a ${fo.members.toLocaleString('en-US')}-member dialog`,
      what: `Every member online. One member posts ${fo.paced} messages at ${fo.pacedRate}/s, then a burst of ${fo.burst} at once.`,
      results: await each(targets, 'fan-out', (t) => fanout(t, fo, log)),
    });
  }
  if (SCENARIOS.includes('connections')) {
    const idle = new Map<Kind, ScenarioResult>();
    const storm = new Map<Kind, ScenarioResult>();
    const both = await each(targets, 'connections', async (t) => {
      const r = await connections(t, cn, log);
      idle.set(t.kind, r.idle);
      storm.set(t.kind, r.storm);
      return r.idle;
    });
    for (const [k, r] of both) {
      if (r.error) {
        idle.set(k, r);
        storm.set(k, r);
      }
    }
    sections.push({
      title: `${cn.idle.toLocaleString('en-US')} idle WebSocket connections`,
      what: `Distinct users connect, ${cn.concurrency} at a time; connect time runs from the request to the server's \`connected\`. RSS per connection = (RSS once the server is idle again with all connected − RSS before) / connections.`,
      results: idle,
    });
    sections.push({
      title: `Reconnect storm of ${cn.storm.toLocaleString('en-US')} clients that resume`,
      what: `The first ${cn.storm.toLocaleString('en-US')} of the idle clients are members of dialogs of ${cn.dialogSize}; each saw one message, then they drop, one more message is posted in each dialog while they are away, and all of them reconnect at once with their cursor (Parley: \`last_event_id\`; baselines: the last message id). "Missed message received" runs from a client's reconnect to the receipt of the message it missed.`,
      results: storm,
    });
  }
  if (SCENARIOS.includes('agents')) {
    const ag = plan.agents;
    const parleys = targets.filter((t): t is ParleyTarget => t instanceof ParleyTarget);
    sections.push({
      title: 'AI agents',
      what: `Parley only (the baselines have no agents). ${ag.dialogs} dialogs of two people; each sender posts 1 message/s for ${ag.secs} s, first in dialogs without an agent, then in ${ag.dialogs} dialogs that also hold the built-in demo agent, which answers every message ("Echo: …" in at least two deltas). First delta / done: from the intended send time to the sender's socket receiving the reply's first text delta / its finished item. Added delivery: the other person's delivery latency with agents minus without.`,
      results: await each(parleys, 'agents', (t) => agents(t as ParleyTarget, ag, log)),
    });
  }
  for (const t of targets) await t.dispose();
} finally {
  await cleanup();
}

const minutes = (performance.now() - began) / 60_000;
const markdown = render({ startedAt, minutes, machine, quick, scaled, setup, sections });
const out =
  args.get('out') ??
  (quick
    ? join(tmpdir(), `parley-bench-quick-${startedAt.toISOString().slice(0, 10)}.md`)
    : join(REPO, 'bench/results', `${startedAt.toISOString().slice(0, 10)}.md`));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, markdown);
process.stdout.write('\n' + markdown);
log(`results written to ${out} (${minutes.toFixed(1)} min)`);
process.exit(0);
