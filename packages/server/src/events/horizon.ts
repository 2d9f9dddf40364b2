/**
 * @module events/horizon: how far the event log is final. Writers append events without any global lock, so ids
 * can commit out of order (id 7 visible while id 6's transaction is still running). A reader therefore reads
 * only up to the horizon: the highest id at or below which every event is committed or will never be. It is
 * found with fences (migration 0007): a fence pairs the last id handed out with the transactions writing the
 * log at that moment, and settles once all of them have ended. See docs/adr/0002-event-ordering.md.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../adapters/db/index.js';

interface Fence {
  issued: number;
  writers: string[];
}

/** `{a,b}` from a driver that did not parse the array. */
function textArray(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string' && v.length > 2) return v.slice(1, -1).split(',');
  return [];
}

export class LogHorizon {
  private through = 0;
  private fences: Fence[] = [];

  constructor(private readonly db: Kysely<Database>) {}

  /** Every event with an id at or below this is committed or gone for good (monotonic). */
  get settled(): number {
    return this.through;
  }

  /** True while a fence waits for writers: call advance() again soon even if nobody announces. */
  get waiting(): boolean {
    return this.fences.length > 0;
  }

  /** Takes a new fence, settles every fence whose writers have all ended, and returns the horizon. */
  async advance(): Promise<number> {
    const r = await sql<{ issued: unknown; writers: unknown }>`SELECT issued, writers FROM parley_event_fence()`.execute(this.db);
    const issued = Number(r.rows[0]?.issued ?? 0);
    const writers = textArray(r.rows[0]?.writers);
    const running = new Set(writers);
    if (issued > this.through) this.fences.push({ issued, writers });
    for (const f of this.fences) if (f.issued > this.through && !f.writers.some((w) => running.has(w))) this.through = f.issued;
    this.fences = this.fences.filter((f) => f.issued > this.through);
    return this.through;
  }

  /** Advances until everything handed out when called is settled (start-up: writers end within moments). */
  async catchUp(pollMs = 10): Promise<number> {
    await this.advance();
    const target = this.fences.at(-1)?.issued ?? this.through;
    while (this.through < target) {
      await new Promise((r) => setTimeout(r, pollMs));
      await this.advance();
    }
    return this.through;
  }
}
