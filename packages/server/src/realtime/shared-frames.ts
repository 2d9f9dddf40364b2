/**
 * @module realtime/shared-frames: the frames of logged events that resumes replay, kept for a while so that
 * clients resuming over the same stretch of the log share one serialized copy of each event instead of one
 * copy each (issue 16: ten resumes from 0 used to hold ten copies). Bounded in bytes, oldest out first.
 */
import type { LinkSigner } from '../http/links.js';
import type { Frame } from './connection.js';
import { EventFrames } from './frames.js';
import type { LogEvent } from './log.js';

export class SharedFrames {
  private readonly entries = new Map<number, { frames: EventFrames; bytes: number }>();
  private bytes = 0;

  constructor(
    private readonly signer: LinkSigner,
    private readonly maxBytes: number,
  ) {}

  /** The frame of `e` for a reader at `baseUrl`; `shareable` is false for an event rewritten for this replay. */
  async frame(e: LogEvent, baseUrl: string, shareable: boolean): Promise<Frame> {
    if (!shareable) return new EventFrames(e, this.signer).for(baseUrl);
    let entry = this.entries.get(e.id);
    if (entry) {
      // Most recently used last.
      this.entries.delete(e.id);
      this.entries.set(e.id, entry);
      return entry.frames.for(baseUrl);
    }
    entry = { frames: new EventFrames(e, this.signer), bytes: 0 };
    this.entries.set(e.id, entry);
    const frame = await entry.frames.for(baseUrl);
    entry.bytes += frame.text.length;
    this.bytes += frame.text.length;
    for (const [id, old] of this.entries) {
      if (this.bytes <= this.maxBytes || old === entry) break;
      this.entries.delete(id);
      this.bytes -= old.bytes;
    }
    return frame;
  }
}
