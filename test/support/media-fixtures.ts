import sharp from 'sharp';

/** A small JPEG carrying EXIF with a GPS position (Hechi, Guangxi), as phones write it. */
export async function jpegWithGps(width = 64, height = 48): Promise<Uint8Array> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'KinbridgePhone', Model: 'Test 1' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '24/1 41/1 30/1', GPSLongitudeRef: 'E', GPSLongitude: '108/1 2/1 0/1' },
    })
    .toBuffer();
}

/** The first page of an Ogg Opus stream: what a Telegram voice note starts with, enough for type detection. */
export function oggOpusVoice(size = 2048): Uint8Array {
  const bytes = Buffer.alloc(size);
  bytes.write('OggS', 0, 'latin1');
  bytes[5] = 0x02; // beginning of stream
  bytes[26] = 1; // one segment
  bytes[27] = 19; // of 19 bytes: the OpusHead packet
  bytes.write('OpusHead', 28, 'latin1');
  bytes[36] = 1; // version
  bytes[37] = 1; // mono
  return bytes;
}

/** The start of an MP4 file (an ftyp box), enough for type detection. */
export function mp4Video(size = 4096): Uint8Array {
  const bytes = Buffer.alloc(size);
  bytes.writeUInt32BE(24, 0);
  bytes.write('ftypisom', 4, 'latin1');
  bytes.write('isomiso2mp41', 12, 'latin1');
  return bytes;
}

/** Bytes that are no photo at all (a PDF). */
export function pdfBytes(): Uint8Array {
  return Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
}
