/**
 * @module realtime/presence-fanout: tells this instance's connections about presence changes, coalesced and
 * bounded (docs/events.md, "Presence"). Transitions heard on the bus are gathered for a short window (the last
 * change of a user wins), then sent in one pass: two indexed reads find the dialogs of the changed users and
 * the co-members connected here. In a small dialog each co-member gets one `presence.update` per changed user
 * (one per user, however many dialogs they share). A large dialog (more than PRESENCE_LARGE_DIALOG members)
 * gets no per-member frames: once its presence has been quiet for a while (or at the latest after a maximum
 * wait), its connected members get one `presence.digest` with the count online. So a burst of N connects to an
 * N-member dialog costs each member a digest or two, not N frames.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../adapters/db/index.js';
import type { PresenceSettings } from '../config.js';
import type { IsOnline } from '../queries/participants.js';
import type { LongTimer, Clock } from '../clock.js';
import { Frame } from './connection.js';

export interface PresenceTargets {
  /** The users with a connection on this instance. */
  local(): Iterable<string>;
  /** Hands a frame to every connection of `userId` on this instance. */
  push(userId: string, frame: Frame): void;
}

interface Digest {
  quiet?: LongTimer;
  max?: LongTimer;
}

export class PresenceFanout {
  /** Changes not yet sent: user id → online now. */
  private pending = new Map<string, boolean>();
  private window?: LongTimer;
  /** Large dialogs with a change not yet told, and their digest timers. */
  private readonly digests = new Map<string, Digest>();
  /** One pass at a time (window flushes and digests), in the order they were due. */
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly isOnline: IsOnline,
    private readonly targets: PresenceTargets,
    private readonly settings: PresenceSettings,
    private readonly timers: Clock,
    /** Hears about failed passes (best effort: presence is not in the log). */
    private readonly failed: (err: unknown) => void,
  ) {}

  /** A user came online or went offline (an announcement from the bus). */
  changed(userId: string, isOnline: boolean): void {
    if (this.stopped) return;
    this.pending.set(userId, isOnline);
    this.window ??= this.timers.setTimeout(() => {
      this.window = undefined;
      this.run(() => this.flush());
    }, this.settings.windowMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.window?.clear();
    for (const d of this.digests.values()) {
      d.quiet?.clear();
      d.max?.clear();
    }
    this.digests.clear();
    await this.chain;
  }

  private run(pass: () => Promise<void>): void {
    this.chain = this.chain.then(() => (this.stopped ? undefined : pass().catch(this.failed)));
  }

  /** Sends the gathered changes: per-member frames for small dialogs, digests scheduled for large ones. */
  private async flush(): Promise<void> {
    const changes = this.pending;
    this.pending = new Map();
    const local = [...this.targets.local()];
    if (changes.size === 0 || local.length === 0) return;
    const { rows: dialogs } = await sql<{ user_id: string; dialog_id: string; members: unknown }>`
      WITH mine AS (SELECT user_id, dialog_id FROM dialog_participants WHERE user_id = ANY(${[...changes.keys()]}::text[])),
      sizes AS (
        SELECT dialog_id, count(*) AS members FROM dialog_participants
        WHERE dialog_id IN (SELECT dialog_id FROM mine) GROUP BY dialog_id
      )
      SELECT mine.user_id, mine.dialog_id, sizes.members FROM mine JOIN sizes USING (dialog_id)`.execute(this.db);
    const small = new Map<string, string[]>();
    for (const d of dialogs) {
      if (Number(d.members) > this.settings.largeDialog) this.digestDue(d.dialog_id);
      else small.set(d.dialog_id, [...(small.get(d.dialog_id) ?? []), d.user_id]);
    }
    if (small.size === 0) return;
    const present = await this.db
      .selectFrom('dialog_participants')
      .select(['dialog_id', 'user_id'])
      .where(sql<boolean>`dialog_id = ANY(${[...small.keys()]}::uuid[])`)
      .where(sql<boolean>`user_id = ANY(${local}::text[])`)
      .execute();
    // Each recipient hears about each changed user once, however many small dialogs they share.
    const told = new Map<string, Set<string>>();
    for (const r of present) {
      for (const subject of small.get(r.dialog_id) ?? []) {
        if (subject === r.user_id) continue;
        const set = told.get(r.user_id) ?? new Set<string>();
        set.add(subject);
        told.set(r.user_id, set);
      }
    }
    const frames = new Map<string, Frame>();
    const frameOf = (subject: string) => {
      let f = frames.get(subject);
      if (!f) {
        f = Frame.control({ type: 'presence.update', user_id: subject, is_online: changes.get(subject)! });
        frames.set(subject, f);
      }
      return f;
    };
    for (const [recipient, subjects] of told) for (const s of subjects) this.targets.push(recipient, frameOf(s));
  }

  /** A large dialog changed: its digest goes out when it has been quiet a while, or at the latest after the maximum wait. */
  private digestDue(dialogId: string): void {
    const d = this.digests.get(dialogId) ?? {};
    this.digests.set(dialogId, d);
    const fire = () => {
      if (this.digests.get(dialogId) !== d) return;
      this.digests.delete(dialogId);
      d.quiet?.clear();
      d.max?.clear();
      this.run(() => this.digest(dialogId));
    };
    d.quiet?.clear();
    d.quiet = this.timers.setTimeout(fire, this.settings.digestQuietMs);
    d.max ??= this.timers.setTimeout(fire, this.settings.digestMaxMs);
  }

  /** One read of the dialog's members; the count online goes to those connected here. */
  private async digest(dialogId: string): Promise<void> {
    const local = new Set(this.targets.local());
    if (local.size === 0) return;
    const members = (await this.db.selectFrom('dialog_participants').select('user_id').where('dialog_id', '=', dialogId).execute()).map(
      (r) => r.user_id,
    );
    const here = members.filter((u) => local.has(u));
    if (here.length === 0) return;
    const online = await this.isOnline(members);
    const frame = Frame.control({
      type: 'presence.digest',
      dialog_id: dialogId,
      online_count: online.size,
      member_count: members.length,
    });
    for (const u of here) this.targets.push(u, frame);
  }
}
