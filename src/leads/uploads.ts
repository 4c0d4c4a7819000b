import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import { CsvFileError, scanCsvFile, type Encoding, type FileScan } from './csv.js';

/** Largest CSV accepted by default: a few million leads. */
export const DefaultMaxUploadBytes = 1024 * 1024 * 1024;

export class UploadTooLargeError extends Error {
  override readonly name = 'UploadTooLargeError';
}

export interface StoredUpload {
  id: string;
  file_name: string;
  bytes: number;
  sha256: string;
  scan: FileScan;
}

/**
 * Streams a request body to `<dir>/<uuid>.csv` (never holding it in memory), then checks it is CSV
 * text in the given encoding and reads its header. A refused or oversized file is deleted.
 */
export async function storeUpload(
  db: Knex,
  body: Readable,
  options: { dir: string; fileName: string; maxBytes?: number; uploadedBy?: string; encoding?: Encoding },
): Promise<StoredUpload> {
  const max = options.maxBytes ?? DefaultMaxUploadBytes;
  await mkdir(options.dir, { recursive: true });
  const id = randomUUID();
  const file = path.resolve(options.dir, `${id}.csv`);
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > max) return done(new UploadTooLargeError(`the file is larger than ${max} bytes`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(body, meter, createWriteStream(file, { flags: 'wx' }));
    if (bytes === 0) throw new CsvFileError('the file is empty');
    const scan = await scanCsvFile(file, { encoding: options.encoding ?? 'utf-8' });
    const sha256 = hash.digest('hex');
    await db('lead_uploads').insert({
      id,
      file_name: options.fileName,
      path: file,
      bytes,
      sha256,
      uploaded_by: options.uploadedBy ?? null,
    });
    return { id, file_name: options.fileName, bytes, sha256, scan };
  } catch (err) {
    await rm(file, { force: true });
    throw err;
  }
}
