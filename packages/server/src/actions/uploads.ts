/** @module actions/uploads: the attachment flow's writes, in three steps: presign, seal (before a send), claim (in it). */
export { presignUpload, reserveUpload } from './upload-presign.js';
export { sealAttachments, sealUploads, type SealedAttachment } from './upload-seal.js';
export { claimAttachments } from './upload-claim.js';
