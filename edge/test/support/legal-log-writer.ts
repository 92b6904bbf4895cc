import { ManualClock } from '@triporteur/firmware-bridge';
import { pino } from 'pino';
import { LegalLogWriter, type LegalLogWriterOptions } from '../../src/legal-log/store/writer.js';

/**
 * A legal-log writer as the tests use it: silent, Paris days, a year kept, sealed every second or
 * 1,000 records; each test names its directory, key and clock, and overrides what it is about.
 */
export function testWriter(
  options: Pick<LegalLogWriterOptions, 'directory' | 'recipient'> & Partial<LegalLogWriterOptions>,
): LegalLogWriter {
  return new LegalLogWriter({
    clock: new ManualClock(0),
    logger: pino({ level: 'silent' }),
    timeZone: 'Europe/Paris',
    retentionDays: 365,
    flushIntervalMs: 1_000,
    maxBatchRecords: 1_000,
    ...options,
  });
}
