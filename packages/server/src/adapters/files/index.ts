/** @module files: picks the file store from configuration: S3 when S3_* is set, else the disk store under DATA_DIR. */
import type { Config, FilesConfig } from '../../config.js';
import type { Dependencies } from '../../health/dependency.js';
import { DiskStore } from './disk.js';
import type { FileStore } from './port.js';
import { S3Store } from './s3.js';
import { createThumbnailQueue, type ThumbnailQueue } from './thumbnail-queue.js';
import { watchAvailability } from './availability.js';

export type { FileStore } from './port.js';

export interface FileService {
  store: FileStore;
  /** Set for the embedded store, whose objects Parley serves itself (http/disk-files.ts). */
  disk?: DiskStore;
  settings: FilesConfig;
  /** Background thumbnailing, bounded (THUMBNAIL_CONCURRENCY, THUMBNAIL_QUEUE_LIMIT). */
  thumbnails: ThumbnailQueue;
}

export function createFileService(config: Config, health: Dependencies, onThumbnailError: (err: unknown) => void): FileService {
  const settings = config.files;
  const thumbnails = createThumbnailQueue(settings.thumbnailConcurrency, settings.thumbnailQueueLimit, onThumbnailError);
  if (settings.s3)
    return {
      store: watchAvailability(new S3Store(settings.s3), health.register('object store (S3)', 'object-store')),
      settings,
      thumbnails,
    };
  const disk = new DiskStore(config.dataDir);
  return { store: disk, disk, settings, thumbnails };
}
