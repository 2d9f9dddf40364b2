/**
 * Write load for outage tests: concurrent senders, each sending numbered messages with a client_message_id and
 * retrying the same id after a 503 until it is accepted (as the SDK's send queue does). What was acknowledged,
 * what was refused with 503 and anything else (which a test expects to be empty) are kept for checking.
 */
import { openDatabase } from '../../src/adapters/db/index.js';
import { loadConfig } from '../../src/app.js';
import type { Api, Res } from './api.js';

export class Senders {
  /** client_message_id -> message id, for every send answered 200. */
  readonly acked = new Map<string, string>();
  /** Every 503 answer (each was retried with the same client_message_id). */
  readonly refused: Res[] = [];
  /** Any other answer, or a request that failed at the socket: there should be none. */
  readonly unexpected: { cmid: string; status: number; text: string }[] = [];
  private stopped = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly api: Api,
    private readonly dialogId: string,
    private readonly label: string,
  ) {}

  /** Starts `count` concurrent senders. */
  start(count: number): void {
    for (let i = 0; i < count; i += 1) this.loops.push(this.loop(i));
  }

  /** Stops after each sender's current message is accepted. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  private async loop(sender: number): Promise<void> {
    for (let n = 0; !this.stopped; n += 1) {
      const cmid = `${this.label}-${sender}-${n}`;
      for (;;) {
        let res: Res;
        try {
          res = await this.api.post(`/api/v1/dialogs/${this.dialogId}/messages`, { content: cmid, client_message_id: cmid });
        } catch (err) {
          this.unexpected.push({ cmid, status: 0, text: String(err) });
          return;
        }
        if (res.status === 200) {
          this.acked.set(cmid, res.body.data.id);
          break;
        }
        if (res.status !== 503) {
          this.unexpected.push({ cmid, status: res.status, text: res.text });
          return;
        }
        this.refused.push(res);
        // Pacing of the load generator while the database is away, not a wait for an outcome.
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
}

/**
 * How many times each client_message_id is stored among the dialog's user messages, read from the database itself
 * (`env` is the server's; for the embedded database, the server must be stopped first).
 */
export async function storedCounts(env: Record<string, string | undefined>, dialogId: string): Promise<Map<string, number>> {
  const db = await openDatabase(loadConfig(env));
  try {
    const rows = await db.kysely
      .selectFrom('messages')
      .select(['client_message_id', (eb) => eb.fn.countAll<string>().as('n')])
      .where('dialog_id', '=', dialogId)
      .where('message_type', '=', 'user')
      .groupBy('client_message_id')
      .execute();
    return new Map(rows.map((r) => [r.client_message_id ?? '', Number(r.n)]));
  } finally {
    await db.close();
  }
}
