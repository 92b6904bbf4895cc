import type { LegalRecord } from './records.js';
import { type ReadProblem, type ReadRangeOptions, readRange } from './store/reader.js';

/**
 * What answers a requisition: the records of a range, decrypted, one per line. Times become ISO 8601
 * in UTC (the `Z`), which is what an officer's tools and a court read without a time zone question.
 */

export type ExportFormat = 'json' | 'csv';

const CSV_COLUMNS = [
  'time',
  'kind',
  'event',
  'mac',
  'private_ip',
  'private_port',
  'translated_ip',
  'translated_port',
  'protocol',
  'reason',
  'gap_from',
  'lost',
] as const;

export const CSV_HEADER = CSV_COLUMNS.join(',');

/** The record as it is exported: the same fields, times in ISO 8601. */
export function exportRow(record: LegalRecord): Record<string, string | number | boolean | null> {
  const iso = (ms: number) => new Date(ms).toISOString();
  if (record.kind === 'gap') return { ...record, at: iso(record.at), from: iso(record.from) };
  return { ...record, at: iso(record.at) };
}

export function formatJsonLine(record: LegalRecord): string {
  return JSON.stringify(exportRow(record));
}

export function formatCsvLine(record: LegalRecord): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  const cells: Record<(typeof CSV_COLUMNS)[number], string | number | undefined | null> = {
    time: iso(record.at),
    kind: record.kind,
    event: record.kind === 'nat' ? record.event : record.kind === 'session-start' && record.resumed ? 'resumed' : '',
    mac: record.kind === 'session-start' || record.kind === 'session-end' ? record.mac : '',
    private_ip: record.kind === 'gap' ? '' : record.ip,
    private_port: record.kind === 'nat' ? record.port : '',
    translated_ip: record.kind === 'nat' ? record.natIp : '',
    translated_port: record.kind === 'nat' ? record.natPort : '',
    protocol: record.kind === 'nat' ? record.proto : '',
    reason: record.kind === 'session-end' || record.kind === 'gap' ? record.reason : '',
    gap_from: record.kind === 'gap' ? iso(record.from) : '',
    lost: record.kind === 'gap' ? record.lost : '',
  };
  // No field can hold a comma, quote or newline (addresses, codes, numbers): no quoting needed.
  return CSV_COLUMNS.map((column) => String(cells[column] ?? '')).join(',');
}

export interface ExportOptions extends ReadRangeOptions {
  format: ExportFormat;
  /** Receives each output line, without its newline. */
  write: (line: string) => void;
}

export interface ExportSummary {
  records: number;
  filesRead: number;
  chunksRead: number;
  problems: ReadProblem[];
}

export async function exportRange(options: ExportOptions): Promise<ExportSummary> {
  const { format, write, ...range } = options;
  const result = await readRange(range);
  if (format === 'csv') write(CSV_HEADER);
  for (const record of result.records) write(format === 'csv' ? formatCsvLine(record) : formatJsonLine(record));
  return {
    records: result.records.length,
    filesRead: result.filesRead,
    chunksRead: result.chunksRead,
    problems: result.problems,
  };
}
