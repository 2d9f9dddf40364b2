/**
 * @module plan: the sizes of every scenario, and how they shrink (each shrink said in the results) when this
 * machine cannot hold them: too few file descriptors, ephemeral ports or free memory for the connections.
 */
import { readFileSync } from 'node:fs';
import type { Machine } from './machine.js';
import type { AgentsPlan } from './scenarios/agents.js';
import type { ConnectionsPlan } from './scenarios/connections.js';
import type { DialogListPlan } from './scenarios/dialog-list.js';
import type { FanoutPlan } from './scenarios/fanout.js';
import type { SearchPlan } from './scenarios/search.js';
import type { HotDialogPlan } from './scenarios/hot-dialog.js';
import type { ThroughputPlan } from './scenarios/throughput.js';
import type { SeedSpec } from './seed.js';

export interface Plan {
  throughput: ThroughputPlan;
  fanout: FanoutPlan;
  connections: ConnectionsPlan;
  seed: SeedSpec;
  list: DialogListPlan;
  search: SearchPlan;
  agents: AgentsPlan;
  hot: HotDialogPlan;
  /** The send scenario again with WEBHOOK_URL set (fewer rates: it answers "how much do webhooks cost"). */
  webhooks: ThroughputPlan;
}

export const FULL: Plan = {
  throughput: { users: 1000, dialogs: 200, members: 10, rates: [50, 100, 200, 400, 800, 1600], stepSecs: 4, maxInflight: 1000 },
  fanout: { members: 2000, paced: 20, pacedRate: 5, burst: 20, deadlineSecs: 40 },
  connections: { idle: 10_000, storm: 5_000, dialogSize: 10, concurrency: 200, deadlineSecs: 40 },
  seed: { dialogs: 20_000, messages: 1_000_000, listerDialogs: 5_000 },
  list: { warmup: 20, requests: 300 },
  search: { warmup: 10, requests: 200 },
  agents: { dialogs: 100, secs: 10 },
  hot: { members: 10, senders: 16, messages: 4000 },
  webhooks: { users: 1000, dialogs: 200, members: 10, rates: [100, 200, 400, 800, 1600], stepSecs: 4, maxInflight: 1000 },
};

/** A smoke run of every code path in about a minute (`npm run bench -- --quick`). */
export const QUICK: Plan = {
  throughput: { users: 50, dialogs: 10, members: 5, rates: [50, 100], stepSecs: 2, maxInflight: 200 },
  fanout: { members: 100, paced: 5, pacedRate: 5, burst: 5, deadlineSecs: 30 },
  connections: { idle: 300, storm: 100, dialogSize: 10, concurrency: 50, deadlineSecs: 30 },
  seed: { dialogs: 2_000, messages: 20_000, listerDialogs: 500 },
  list: { warmup: 5, requests: 50 },
  search: { warmup: 3, requests: 20 },
  agents: { dialogs: 20, secs: 3 },
  hot: { members: 10, senders: 16, messages: 400 },
  webhooks: { users: 50, dialogs: 10, members: 5, rates: [50, 100], stepSecs: 2, maxInflight: 200 },
};

function portRange(): number {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return (hi ?? 60999) - (lo ?? 32768) + 1;
  } catch {
    return 28_000;
  }
}

/** Driver-side plus server-side memory one connection may need at most, with room to spare (both processes). */
const BYTES_PER_CONNECTION = 400 * 1024;

export function makePlan(m: Machine, quick: boolean): { plan: Plan; scaled: string[] } {
  const plan: Plan = structuredClone(quick ? QUICK : FULL);
  const scaled: string[] = [];
  const c = plan.connections;
  const shrink = (limit: number, why: string) => {
    if (c.idle <= limit) return;
    const idle = Math.max(100, Math.floor(limit / 100) * 100);
    scaled.push(`idle connections ${c.idle} → ${idle} (${why})`);
    c.idle = idle;
    if (c.storm > idle / 2) {
      scaled.push(`reconnect storm ${c.storm} → ${Math.floor(idle / 2)} (follows the idle connections)`);
      c.storm = Math.floor(idle / 2);
    }
  };
  // The driver holds every connection plus the storm's senders and HTTP sockets; each server holds as many.
  shrink(m.fdSoft - Math.ceil(c.storm / c.dialogSize) - 1_500, `open-file limit ${m.fdSoft}`);
  // Dropped connections wait in TIME_WAIT: the idle set, the storm's new connections and the fan-out's must fit.
  shrink(portRange() - c.storm - plan.fanout.members - 2_000, `ephemeral port range ${portRange()}`);
  shrink(Math.floor((m.freeMemoryGb * 2 ** 30 * 0.5) / BYTES_PER_CONNECTION), `${m.freeMemoryGb.toFixed(1)} GB free memory`);
  const fanoutLimit = m.fdSoft - 1_500;
  if (plan.fanout.members > fanoutLimit) {
    scaled.push(`fan-out members ${plan.fanout.members} → ${fanoutLimit} (open-file limit ${m.fdSoft})`);
    plan.fanout.members = fanoutLimit;
  }
  return { plan, scaled };
}
