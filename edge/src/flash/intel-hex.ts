import { FlashError, FlashErrorCode } from './errors.js';

/**
 * Intel HEX, as the Arduino toolchain writes it (Intel, "Hexadecimal Object File Format
 * Specification", rev. A, 1988): lines `:LLAAAATT<data>CC` where CC makes the sum of every byte of
 * the record zero modulo 256. Record types: 00 data, 01 end of file, 02 extended segment address,
 * 03 start segment address, 04 extended linear address, 05 start linear address.
 *
 * Parsing is strict because a half-copied or edited file must never reach a board: any bad
 * character, length, checksum, unknown record, overlap, data after the end record, or a missing end
 * record refuses the whole file.
 */
export interface HexImage {
  /** Flash contents from address 0 up to the last byte the file sets; gaps read 0xFF (erased flash). */
  bytes: Uint8Array;
  /** How many bytes the file sets (gaps excluded). */
  dataBytes: number;
}

export interface ParseHexOptions {
  /** Highest address + 1 the image may reach: the application space below the bootloader. */
  maxBytes: number;
}

// A 30 KiB image is about 85 kB of text; anything far larger is not a Nano image.
const MAX_TEXT_CHARS = 512 * 1024;

export function parseIntelHex(text: string, options: ParseHexOptions): HexImage {
  if (text.length > MAX_TEXT_CHARS) {
    throw tooLarge(`le fichier fait ${text.length} caractères, bien plus qu’une image pour Nano`);
  }
  const data = new Map<number, number>();
  let base = 0;
  let end = 0;
  let sawEof = false;
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    const lineNo = index + 1;
    if (line === '') continue;
    if (sawEof) throw invalid(lineNo, 'des données suivent l’enregistrement de fin (01)');
    const record = decodeRecord(line, lineNo);
    switch (record.type) {
      case 0x00:
        for (let i = 0; i < record.data.length; i++) {
          // Within one 64 KiB segment the offset wraps (spec §4); the base carries the upper bits.
          const address = base + ((record.offset + i) & 0xffff);
          if (address >= options.maxBytes) {
            throw tooLarge(
              `la ligne ${lineNo} écrit à l’adresse 0x${hex(address, 5)}, au-delà de ${options.maxBytes} octets`,
            );
          }
          if (data.has(address)) throw invalid(lineNo, `l’adresse 0x${hex(address, 5)} est écrite deux fois`);
          data.set(address, record.data[i] ?? 0xff);
          end = Math.max(end, address + 1);
        }
        break;
      case 0x01:
        if (record.data.length !== 0) throw invalid(lineNo, 'l’enregistrement de fin (01) porte des données');
        sawEof = true;
        break;
      case 0x02:
        base = expectAddress(record, lineNo) * 16;
        break;
      case 0x04:
        base = expectAddress(record, lineNo) * 0x10000;
        break;
      case 0x03:
      case 0x05:
        // A start address means nothing to a bootloader, which always jumps to 0.
        if (record.data.length !== 4)
          throw invalid(lineNo, `l’enregistrement ${hex(record.type, 2)} doit porter 4 octets`);
        break;
      default:
        throw invalid(lineNo, `type d’enregistrement inconnu 0x${hex(record.type, 2)}`);
    }
  }
  if (!sawEof) throw invalid(lines.length, 'il manque l’enregistrement de fin (:00000001FF) : fichier tronqué ?');
  if (data.size === 0) throw invalid(lines.length, 'le fichier ne contient aucune donnée');
  const bytes = new Uint8Array(end).fill(0xff);
  for (const [address, value] of data) bytes[address] = value;
  return { bytes, dataBytes: data.size };
}

interface HexRecord {
  type: number;
  offset: number;
  data: Uint8Array;
}

function decodeRecord(line: string, lineNo: number): HexRecord {
  if (!line.startsWith(':')) throw invalid(lineNo, 'la ligne ne commence pas par « : »');
  const body = line.slice(1);
  if (!/^[0-9A-Fa-f]*$/.test(body) || body.length % 2 !== 0) {
    throw invalid(lineNo, 'caractère qui n’est pas hexadécimal, ou nombre impair de chiffres');
  }
  const bytes = Uint8Array.from(body.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
  const length = bytes[0] ?? 0;
  if (bytes.length < 5 || bytes.length !== length + 5) {
    throw invalid(lineNo, `la longueur annoncée (${length} octets) ne correspond pas à la ligne`);
  }
  const sum = bytes.reduce((total, byte) => (total + byte) & 0xff, 0);
  if (sum !== 0) {
    const stated = bytes[bytes.length - 1] ?? 0;
    const expected = (stated - sum) & 0xff;
    throw invalid(lineNo, `somme de contrôle 0x${hex(stated, 2)}, attendue 0x${hex(expected, 2)}`);
  }
  return {
    offset: ((bytes[1] ?? 0) << 8) | (bytes[2] ?? 0),
    type: bytes[3] ?? 0,
    data: bytes.subarray(4, 4 + length),
  };
}

function expectAddress(record: HexRecord, lineNo: number): number {
  if (record.data.length !== 2) throw invalid(lineNo, `l’enregistrement ${hex(record.type, 2)} doit porter 2 octets`);
  return ((record.data[0] ?? 0) << 8) | (record.data[1] ?? 0);
}

function invalid(lineNo: number, detail: string): FlashError {
  return new FlashError(FlashErrorCode.IMAGE_INVALID, `image Intel HEX invalide, ligne ${lineNo} : ${detail}`);
}

function tooLarge(detail: string): FlashError {
  return new FlashError(FlashErrorCode.IMAGE_TOO_LARGE, `image trop grande : ${detail}`);
}

const hex = (value: number, width: number) => value.toString(16).toUpperCase().padStart(width, '0');
