// The French legal connection log (CPCE L34-1, R10-13 IV): docs/legal-log.md.
export { type LegalLogSection, LegalLogSectionSchema, validateLegalLogSection } from './config.js';
export { parseConntrackLine } from './conntrack/parse.js';
export { ConntrackSource, type ConntrackSourceOptions } from './conntrack/source.js';
export {
  createProcessSpawner,
  type ProcessExit,
  type ProcessSpawner,
  type StreamingProcess,
} from './conntrack/spawner.js';
export { isLegalLogError, LegalLogError, LegalLogErrorCode } from './errors.js';
export {
  CSV_HEADER,
  type ExportFormat,
  type ExportSummary,
  exportRange,
  formatCsvLine,
  formatJsonLine,
} from './export.js';
export { readIdentityFile, writeKeyPair } from './keys.js';
export { type LegalLogOptions, type RunningLegalLog, startLegalLog } from './legal-log.js';
export type { GapRecord, LegalRecord, NatRecord, SessionEndRecord, SessionStartRecord } from './records.js';
export { ChunkOpener, ChunkSealer, checkRecipient, generateKeyPair, parseIdentityFile } from './seal.js';
export { dayFileName, listDayFiles, purgeExpired } from './store/day-files.js';
export { CHUNK_BEGIN, CHUNK_END, splitChunks } from './store/framing.js';
export { type ReadProblem, type ReadRangeResult, readRange } from './store/reader.js';
export { DEFAULT_MAX_PENDING_RECORDS, LegalLogWriter, type LegalLogWriterOptions } from './store/writer.js';
