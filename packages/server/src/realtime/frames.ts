/**
 * @module realtime/frames: the frame of a logged event, serialized once and shared by every connection that
 * receives it. A message with attachments carries download links, which are signed (they expire) when the
 * event is delivered: once per event and link base (FILES_PUBLIC_URL, or the host a connection came in on),
 * not once per connection.
 */
import type { LinkSigner } from '../http/links.js';
import { signedAttachments, type StoredAttachment } from '../queries/message-record.js';
import { Frame } from './connection.js';
import { wireEvent, type LogEvent } from './log.js';

export class EventFrames {
  private plain?: Frame;
  private readonly byBase = new Map<string, Promise<Frame>>();

  constructor(
    private readonly event: LogEvent,
    private readonly signer: LinkSigner,
  ) {}

  private get stored(): StoredAttachment[] | undefined {
    const files = this.event.payload.files as StoredAttachment[] | undefined;
    return files && files.length > 0 ? files : undefined;
  }

  /** The one frame for every reader, when the event carries no links (no waiting: the common case). */
  shared(): Frame | undefined {
    if (this.stored) return undefined;
    this.plain ??= new Frame(JSON.stringify(wireEvent(this.event)), this.event.id);
    return this.plain;
  }

  /** The frame for a reader who reached Parley at `baseUrl`. */
  async for(baseUrl: string): Promise<Frame> {
    const stored = this.stored;
    if (!stored) return this.shared()!;
    const links = this.signer.at(baseUrl);
    let frame = this.byBase.get(links.base);
    if (!frame) {
      frame = signedAttachments(stored, links).then(
        (attachments) => new Frame(JSON.stringify(wireEvent(this.event, attachments)), this.event.id),
      );
      this.byBase.set(links.base, frame);
    }
    return frame;
  }
}
