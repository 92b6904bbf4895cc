import { readFile } from 'node:fs/promises';
import { LocalDay } from '../../hotspot/sessions/local-day.js';
import { LegalLogError, LegalLogErrorCode } from '../errors.js';
import { decodeRecords, type LegalRecord } from '../records.js';
import { ChunkOpener } from '../seal.js';
import { listDayFiles, shiftDay } from './day-files.js';
import { splitChunks } from './framing.js';

export interface ReadRangeOptions {
  directory: string;
  /** The association's age identity (`AGE-SECRET-KEY-1…`). */
  identity: string;
  /** Inclusive bounds, ms since the epoch. */
  from: number;
  to: number;
  /** The zone the unit named its files in; files a day either side are read too, so any zone works. */
  timeZone?: string;
}

/** Something the reader had to step over; the records it could read are still returned. */
export interface ReadProblem {
  code:
    | typeof LegalLogErrorCode.CHUNK_TRUNCATED
    | typeof LegalLogErrorCode.CHUNK_CORRUPT
    | typeof LegalLogErrorCode.WRONG_KEY
    | typeof LegalLogErrorCode.RECORD_INVALID;
  file: string;
  /** Byte offset in the file. */
  offset: number;
  detail: string;
}

export interface ReadRangeResult {
  /** In time order; records with the same time keep the order they were written in. */
  records: LegalRecord[];
  problems: ReadProblem[];
  filesRead: number;
  chunksRead: number;
}

/**
 * Opens the day files that may hold records of [from, to] and returns those records. Damaged or
 * truncated chunks are reported and skipped; every whole chunk before and after them is read. If
 * chunks were found but the identity opened none of them, that is a wrong key: it throws.
 */
export async function readRange(options: ReadRangeOptions): Promise<ReadRangeResult> {
  const { from, to } = options;
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) {
    throw new LegalLogError(LegalLogErrorCode.EXPORT_INPUT, 'the range must have a start before its end');
  }
  const day = new LocalDay(options.timeZone ?? 'Europe/Paris');
  const first = shiftDay(day.key(from), -1);
  const last = shiftDay(day.key(to), 1);
  const opener = new ChunkOpener(options.identity);
  const result: ReadRangeResult = { records: [], problems: [], filesRead: 0, chunksRead: 0 };
  let opened = 0;
  let wrongKey = 0;
  for (const file of await listDayFiles(options.directory)) {
    if (file.day < first || file.day > last) continue;
    result.filesRead += 1;
    const { chunks, discarded } = splitChunks(await readFile(file.path, 'latin1'));
    for (const bytes of discarded) {
      const truncated = bytes.reason === 'truncated';
      result.problems.push({
        code: truncated ? LegalLogErrorCode.CHUNK_TRUNCATED : LegalLogErrorCode.CHUNK_CORRUPT,
        file: file.path,
        offset: bytes.offset,
        detail: truncated
          ? `a chunk of ${bytes.length} bytes has no end (a power cut while writing?): skipped`
          : `${bytes.length} bytes outside any chunk: skipped`,
      });
    }
    for (const chunk of chunks) {
      result.chunksRead += 1;
      const sealed = await opener.open(chunk.text);
      if (!sealed.ok) {
        if (sealed.code === LegalLogErrorCode.WRONG_KEY) wrongKey += 1;
        result.problems.push({ code: sealed.code, file: file.path, offset: chunk.offset, detail: sealed.detail });
        continue;
      }
      opened += 1;
      const decoded = await decodeRecords(sealed.plaintext).catch(() => undefined);
      if (decoded === undefined) {
        result.problems.push({
          code: LegalLogErrorCode.CHUNK_CORRUPT,
          file: file.path,
          offset: chunk.offset,
          detail: 'the chunk decrypts but is not gzip',
        });
        continue;
      }
      if (decoded.invalidLines > 0) {
        result.problems.push({
          code: LegalLogErrorCode.RECORD_INVALID,
          file: file.path,
          offset: chunk.offset,
          detail: `${decoded.invalidLines} line(s) in the chunk are not records of this version: skipped`,
        });
      }
      for (const record of decoded.records) if (record.at >= from && record.at <= to) result.records.push(record);
    }
  }
  if (opened === 0 && wrongKey > 0) {
    throw new LegalLogError(
      LegalLogErrorCode.WRONG_KEY,
      `this identity opens none of the ${wrongKey} chunk(s) in the range: they were sealed to another public key`,
    );
  }
  // Array.prototype.sort is stable: equal times keep the written order.
  result.records.sort((a, b) => a.at - b.at);
  return result;
}
