/**
 * @module chatkit/uploads: the attachments of the message being written: each upload starts when a file is
 * picked, shows its byte progress, can be cancelled (or removed once stored), and is sent with the message.
 */
import type { ChatKit, ChatKitAttachment } from '@parley/chatkit';

export interface Upload {
  key: number;
  name: string;
  size: number;
  /** 0..1 of the bytes sent. */
  fraction: number;
  attachment?: ChatKitAttachment;
  failed?: string;
  abort: AbortController;
}

let seq = 0;

export class Uploads {
  list: Upload[] = [];
  constructor(
    private readonly kit: () => ChatKit | undefined,
    private readonly changed: () => void,
  ) {}

  get busy(): boolean {
    return this.list.some((u) => !u.attachment && !u.failed);
  }
  get ready(): ChatKitAttachment[] {
    return this.list.flatMap((u) => (u.attachment ? [u.attachment] : []));
  }

  async add(file: File): Promise<void> {
    const kit = this.kit();
    if (!kit) return;
    const upload: Upload = { key: ++seq, name: file.name, size: file.size, fraction: 0, abort: new AbortController() };
    const already = this.list.filter((u) => !u.failed).length;
    this.list = [...this.list, upload];
    this.changed();
    try {
      upload.attachment = await kit.uploadAttachment(
        {
          name: file.name,
          mimeType: file.type || 'application/octet-stream',
          data: file,
          signal: upload.abort.signal,
          onProgress: (f) => {
            upload.fraction = f;
            this.changed();
          },
        },
        already,
      );
      upload.fraction = 1;
    } catch (err) {
      if ((err as { code?: string }).code === 'cancelled') this.list = this.list.filter((u) => u !== upload);
      else upload.failed = (err as Error).message;
    }
    this.changed();
  }

  /** Cancels an upload in flight, or drops (and deletes on the server) a stored one. */
  remove(key: number): void {
    const upload = this.list.find((u) => u.key === key);
    if (!upload) return;
    if (!upload.attachment && !upload.failed) return void upload.abort.abort();
    this.list = this.list.filter((u) => u !== upload);
    if (upload.attachment)
      void this.kit()
        ?.deleteAttachment(upload.attachment.id)
        .catch(() => {});
    this.changed();
  }

  /** After a send: the stored ones went with the message. */
  clear(): void {
    this.list = this.list.filter((u) => !u.attachment && !u.failed);
    this.changed();
  }
}
