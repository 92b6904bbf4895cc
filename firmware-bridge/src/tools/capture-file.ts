import { BridgeError, BridgeErrorCode } from '../errors.js';
import type { ProtocolName } from '../protocol.js';
import { parseHex, toHex } from './hex.js';

/**
 * A raw serial capture as JSON lines: a header, then one line per received chunk with its time
 * offset. Text on purpose: it survives e-mail and git, and a technician can read it.
 *
 *   {"format":"triporteur-capture","version":1,"port":"/dev/ttyUSB0","baudRate":9600,"protocol":"jbd","startedAt":"…"}
 *   {"t":12,"rx":"dd03001b…"}
 */
export const CAPTURE_FORMAT = 'triporteur-capture';

export interface CaptureHeader {
  format: typeof CAPTURE_FORMAT;
  version: 1;
  port: string;
  baudRate: number;
  protocol?: ProtocolName;
  /** ISO time the capture started. */
  startedAt: string;
}

export interface CaptureChunk {
  /** Milliseconds since the start of the capture. */
  t: number;
  bytes: Uint8Array;
}

export function formatCaptureHeader(header: Omit<CaptureHeader, 'format' | 'version'>): string {
  return `${JSON.stringify({ format: CAPTURE_FORMAT, version: 1, ...header })}\n`;
}

export function formatCaptureChunk(chunk: CaptureChunk): string {
  return `${JSON.stringify({ t: Math.round(chunk.t), rx: toHex(chunk.bytes) })}\n`;
}

/** Parses a whole capture; a bad line is a coded error naming its line number. */
export function parseCapture(text: string): { header: CaptureHeader; chunks: CaptureChunk[] } {
  const lines = text.split('\n');
  const fail = (line: number, why: string): never => {
    throw new BridgeError(BridgeErrorCode.CAPTURE_FORMAT, `capture line ${line}: ${why}`);
  };
  const json = (line: number, raw: string): Record<string, unknown> => {
    try {
      const value: unknown = JSON.parse(raw);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // reported below with the line number
    }
    return fail(line, 'not a JSON object');
  };
  const head = json(1, lines[0] ?? '');
  if (head.format !== CAPTURE_FORMAT || head.version !== 1) fail(1, `not a ${CAPTURE_FORMAT} v1 header`);
  if (typeof head.port !== 'string' || typeof head.baudRate !== 'number' || typeof head.startedAt !== 'string') {
    fail(1, 'header needs port, baudRate and startedAt');
  }
  const chunks: CaptureChunk[] = [];
  let previous = 0;
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]?.trim() ?? '';
    if (raw === '') continue;
    const entry = json(i + 1, raw);
    if (typeof entry.t !== 'number' || !Number.isFinite(entry.t) || entry.t < previous) {
      fail(i + 1, '"t" must be a number of milliseconds, never going backwards');
    }
    if (typeof entry.rx !== 'string') fail(i + 1, '"rx" must be a hex string');
    let bytes: Uint8Array;
    try {
      bytes = parseHex(entry.rx as string);
    } catch (err) {
      return fail(i + 1, (err as Error).message);
    }
    previous = entry.t as number;
    chunks.push({ t: previous, bytes });
  }
  return { header: head as unknown as CaptureHeader, chunks };
}
