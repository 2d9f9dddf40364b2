/**
 * Decompression bombs for the thumbnail tests, written byte by byte (no encoder holds the pixels): a PNG of
 * zero pixels whose zlib stream inflates to width × height × 8 bytes (16-bit RGBA), Adam7-interlaced so a
 * decoder must hold the whole image; and a PNG whose header is valid but whose pixel data is not.
 */
import { constants, crc32, createDeflate } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

function ihdr(width: number, height: number, interlace: boolean): Buffer {
  const d = Buffer.alloc(13);
  d.writeUInt32BE(width, 0);
  d.writeUInt32BE(height, 4);
  d.writeUInt8(16, 8); // bit depth
  d.writeUInt8(6, 9); // RGBA
  d.writeUInt8(interlace ? 1 : 0, 12);
  return chunk('IHDR', d);
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** Bytes of filtered scanlines (one filter byte per row) of an interlaced 16-bit RGBA image. */
function interlacedRawBytes(width: number, height: number): number {
  let total = 0;
  for (const [xs, ys, xstep, ystep] of ADAM7) {
    const w = Math.ceil((width - xs) / xstep);
    const h = Math.ceil((height - ys) / ystep);
    if (w > 0 && h > 0) total += h * (1 + w * 8);
  }
  return total;
}

/** An all-zero interlaced 16-bit RGBA PNG: small on the wire, width × height × 8 bytes decoded. */
export async function pngBomb(width: number, height: number): Promise<Buffer> {
  let remaining = interlacedRawBytes(width, height);
  const zeros = Buffer.alloc(4 * 1024 * 1024);
  const deflate = createDeflate({ level: constants.Z_BEST_COMPRESSION });
  const out: Buffer[] = [];
  deflate.on('data', (b: Buffer) => out.push(b));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  while (remaining > 0) {
    const n = Math.min(remaining, zeros.length);
    remaining -= n;
    if (!deflate.write(zeros.subarray(0, n))) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  return Buffer.concat([SIGNATURE, ihdr(width, height, true), chunk('IDAT', Buffer.concat(out)), chunk('IEND', Buffer.alloc(0))]);
}

/** A PNG whose header says 64×64 but whose pixel data is garbage: it has dimensions, and never a thumbnail. */
export function brokenPng(): Buffer {
  return Buffer.concat([
    SIGNATURE,
    ihdr(64, 64, false),
    chunk('IDAT', Buffer.from('definitely not zlib data')),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
