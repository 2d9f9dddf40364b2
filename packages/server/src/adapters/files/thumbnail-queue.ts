/**
 * @module files/thumbnail-queue: thumbnails are made in the background, never on a request's path: at most
 * `concurrency` at a time (fastq), at most `limit` waiting; past that an image simply gets no thumbnail.
 */
import fastq from 'fastq';

export type ThumbnailTask = () => Promise<void>;

export interface ThumbnailQueue {
  /** Queues the task; false when the queue is full or closed (the caller goes on without a thumbnail). */
  add(task: ThumbnailTask): boolean;
  /** Drops waiting tasks and waits for the running ones. */
  close(): Promise<void>;
}

export function createThumbnailQueue(concurrency: number, limit: number, onError: (err: unknown) => void): ThumbnailQueue {
  const running = new Set<Promise<void>>();
  const queue = fastq.promise(async (task: ThumbnailTask) => {
    const run = task().catch(onError);
    running.add(run);
    try {
      await run;
    } finally {
      running.delete(run);
    }
  }, concurrency);
  let closed = false;
  return {
    add(task) {
      if (closed || queue.length() >= limit) return false;
      void queue.push(task);
      return true;
    },
    async close() {
      closed = true;
      queue.kill();
      await Promise.allSettled([...running]);
    },
  };
}
