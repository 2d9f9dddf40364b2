/**
 * @module files/thumbnails: image dimensions and a small WebP thumbnail of a raster image (sharp/libvips). BMP,
 * which libvips does not read, gets its dimensions from its header and no thumbnail.
 */
import sharp from 'sharp';

/** Images above this size get no thumbnail (the whole file would be read into memory). */
export const THUMBNAIL_MAX_SOURCE_BYTES = 25 * 1024 * 1024;
const THUMBNAIL_EDGE = 320;
const MAX_PIXELS = 100_000_000;

export interface ImageFacts {
  width: number;
  height: number;
  /** WebP bytes, when a thumbnail could be made. */
  thumbnail?: Buffer;
}

/** Dimensions (as displayed, after EXIF orientation) and a thumbnail; undefined when the image cannot be decoded. */
export async function describeImage(source: Buffer): Promise<ImageFacts | undefined> {
  try {
    const image = sharp(source, { limitInputPixels: MAX_PIXELS, failOn: 'error' });
    const meta = await image.metadata();
    if (!meta.width || !meta.height) return undefined;
    const swap = (meta.orientation ?? 1) >= 5;
    const thumbnail = await sharp(source, { limitInputPixels: MAX_PIXELS, failOn: 'error' })
      .rotate()
      .resize(THUMBNAIL_EDGE, THUMBNAIL_EDGE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    return { width: swap ? meta.height : meta.width, height: swap ? meta.width : meta.height, thumbnail };
  } catch {
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
