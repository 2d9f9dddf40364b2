/**
 * @module files/thumbnails: image dimensions (from the header, nothing decoded) and a small WebP thumbnail of a
 * raster image (sharp/libvips), made only when decoding it fits a memory budget. BMP, which libvips does not
 * read, gets its dimensions from its header and no thumbnail.
 */
import sharp from 'sharp';

/** Images above this size get no thumbnail (the whole file would be read into memory). */
export const THUMBNAIL_MAX_SOURCE_BYTES = 25 * 1024 * 1024;
const THUMBNAIL_EDGE = 320;
/** sharp's own hard stop, whatever the budget says. */
const MAX_PIXELS = 100_000_000;

// One libvips thread per image and no operation cache: concurrency is bounded by the thumbnail queue instead.
sharp.concurrency(1);
sharp.cache(false);

export interface ImageFacts {
  width: number;
  height: number;
  /** Bytes libvips would hold to decode the image for a thumbnail (JPEG shrinks on load). */
  decodeBytes: number;
}

const BYTES_PER_SAMPLE: Record<string, number> = {
  uchar: 1,
  char: 1,
  ushort: 2,
  short: 2,
  uint: 4,
  int: 4,
  float: 4,
  double: 8,
  complex: 8,
  dpcomplex: 16,
};

/** Dimensions (as displayed, after EXIF orientation) and the decode cost; undefined when the header is unreadable. */
export async function imageFacts(source: Buffer): Promise<ImageFacts | undefined> {
  try {
    const meta = await sharp(source, { limitInputPixels: MAX_PIXELS, failOn: 'error' }).metadata();
    if (!meta.width || !meta.height) return undefined;
    const swap = (meta.orientation ?? 1) >= 5;
    // A thumbnail decodes the first page or frame only.
    let decodeBytes = meta.width * (meta.pageHeight ?? meta.height) * (meta.channels ?? 4) * (BYTES_PER_SAMPLE[meta.depth ?? 'uchar'] ?? 8);
    // libvips decodes a JPEG at 1/2, 1/4 or 1/8 scale when the thumbnail is that much smaller.
    if (meta.format === 'jpeg')
      decodeBytes /= Math.min(8, Math.max(1, Math.floor(Math.max(meta.width, meta.height) / THUMBNAIL_EDGE))) ** 2;
    return { width: swap ? meta.height : meta.width, height: swap ? meta.width : meta.height, decodeBytes: Math.ceil(decodeBytes) };
  } catch {
    return undefined;
  }
}

/** A WebP thumbnail of at most 320×320; undefined when the image does not decode (`onFail` is told why). */
export async function makeThumbnail(source: Buffer, onFail: (err: unknown) => void): Promise<Buffer | undefined> {
  try {
    return await sharp(source, { limitInputPixels: MAX_PIXELS, failOn: 'error', sequentialRead: true })
      .rotate()
      .resize(THUMBNAIL_EDGE, THUMBNAIL_EDGE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
  } catch (err) {
    onFail(err);
    return undefined;
  }
}

/** Width and height from a BMP header (BITMAPINFOHEADER or later; height is negative for top-down images). */
export function bmpDimensions(header: Buffer): { width: number; height: number } | undefined {
  if (header.length < 26 || header.toString('latin1', 0, 2) !== 'BM') return undefined;
  const dibSize = header.readUInt32LE(14);
  if (dibSize === 12) return { width: header.readUInt16LE(18), height: header.readUInt16LE(20) };
  if (dibSize < 40) return undefined;
  const width = header.readInt32LE(18);
  const height = Math.abs(header.readInt32LE(22));
  return width > 0 && height > 0 ? { width, height } : undefined;
}
