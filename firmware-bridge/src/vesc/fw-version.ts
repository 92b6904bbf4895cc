import { BridgeError, BridgeErrorCode } from '../errors.js';

/**
 * The COMM_FW_VERSION reply after its command byte, as vedderb/bldc comm/commands.c builds it. Fields
 * were appended over the years (pairing 3.48, test version 5.00, hardware type and custom configs 5.02,
 * phase filters and QML UI 5.03, NRF flags, firmware name and app offset 6.00), so each one is optional:
 * a reply that ends early leaves the rest absent, and unknown trailing bytes come back as `extra`.
 */
export interface VescFwVersion {
  major: number;
  minor: number;
  hardwareName?: string;
  /** The MCU's 96-bit unique id. */
  uuid?: Uint8Array;
  pairingDone?: boolean;
  /** 0 for a release build. */
  testVersion?: number;
  /** 0 VESC, 1 VESC BMS, 2 custom module. */
  hardwareType?: number;
  customConfigCount?: number;
  hasPhaseFilters?: boolean;
  qmlHardware?: number;
  qmlApp?: number;
  nrfFlags?: number;
  firmwareName?: string;
  newAppOffset?: number;
  extra: Uint8Array;
}

type ByteKey = 'testVersion' | 'hardwareType' | 'customConfigCount' | 'qmlHardware' | 'qmlApp' | 'nrfFlags';
type Step =
  | { key: 'hardwareName' | 'firmwareName'; kind: 'string' }
  | { key: 'uuid'; kind: 'uuid' }
  | { key: 'pairingDone' | 'hasPhaseFilters'; kind: 'flag' }
  | { key: ByteKey; kind: 'byte' }
  | { key: 'newAppOffset'; kind: 'u32' };

const STEPS: readonly Step[] = [
  { key: 'hardwareName', kind: 'string' },
  { key: 'uuid', kind: 'uuid' },
  { key: 'pairingDone', kind: 'flag' },
  { key: 'testVersion', kind: 'byte' },
  { key: 'hardwareType', kind: 'byte' },
  { key: 'customConfigCount', kind: 'byte' },
  { key: 'hasPhaseFilters', kind: 'flag' },
  { key: 'qmlHardware', kind: 'byte' },
  { key: 'qmlApp', kind: 'byte' },
  { key: 'nrfFlags', kind: 'byte' },
  { key: 'firmwareName', kind: 'string' },
  { key: 'newAppOffset', kind: 'u32' },
];

const UUID_LENGTH = 12;

/** `data` is the payload after the command byte. Fewer than two bytes (no version at all) is BRG_PAYLOAD_SHORT. */
export function decodeFwVersion(data: Uint8Array): VescFwVersion {
  const [major, minor] = data;
  if (major === undefined || minor === undefined) {
    throw new BridgeError(BridgeErrorCode.PAYLOAD_SHORT, `FW_VERSION reply needs 2 bytes, got ${data.length}`);
  }
  const fw: Record<string, unknown> = { major, minor };
  let at = 2;
  for (const step of STEPS) {
    const taken = readStep(data, at, step);
    if (taken === undefined) break;
    fw[step.key] = taken.value;
    at = taken.end;
  }
  fw.extra = data.slice(at);
  return fw as unknown as VescFwVersion;
}

function readStep(data: Uint8Array, at: number, step: Step): { value: unknown; end: number } | undefined {
  if (at >= data.length) return undefined;
  switch (step.kind) {
    case 'string': {
      // NUL-terminated; a name cut off by the end of the payload is kept, and nothing can follow it.
      const nul = data.indexOf(0, at);
      const end = nul < 0 ? data.length : nul;
      let text = '';
      for (let i = at; i < end; i++) text += String.fromCharCode(data[i] ?? 0);
      return { value: text, end: nul < 0 ? end : end + 1 };
    }
    case 'uuid':
      return at + UUID_LENGTH > data.length
        ? undefined
        : { value: data.slice(at, at + UUID_LENGTH), end: at + UUID_LENGTH };
    case 'flag':
      return { value: data[at] !== 0, end: at + 1 };
    case 'byte':
      return { value: data[at], end: at + 1 };
    case 'u32': {
      if (at + 4 > data.length) return undefined;
      const view = new DataView(data.buffer, data.byteOffset + at, 4);
      return { value: view.getUint32(0), end: at + 4 };
    }
  }
}

/** The payload after the command byte; fields are written in order up to the first absent one. */
export function encodeFwVersion(fw: VescFwVersion): Uint8Array {
  const out: number[] = [byte('major', fw.major), byte('minor', fw.minor)];
  let missing: string | undefined;
  for (const step of STEPS) {
    const value = fw[step.key];
    if (value === undefined) {
      missing ??= step.key;
      continue;
    }
    if (missing !== undefined) throw range(step.key, value, `nothing after the absent field ${missing}`);
    out.push(...writeStep(step, value));
  }
  out.push(...fw.extra);
  return Uint8Array.from(out);
}

function writeStep(step: Step, value: unknown): number[] {
  switch (step.kind) {
    case 'string': {
      const text = String(value);
      const codes = Array.from(text, (c) => c.charCodeAt(0));
      if (codes.some((c) => c === 0 || c > 0xff)) throw range(step.key, text, 'single-byte characters, no NUL');
      return [...codes, 0];
    }
    case 'uuid':
      if (!(value instanceof Uint8Array) || value.length !== UUID_LENGTH) throw range(step.key, value, '12 bytes');
      return [...value];
    case 'flag':
      return [value ? 1 : 0];
    case 'byte':
      return [byte(step.key, value as number)];
    case 'u32': {
      const n = value as number;
      if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw range(step.key, n, '0…2³²−1');
      return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
    }
  }
}

function byte(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw range(name, value, '0–255');
  return value;
}

function range(name: string, value: unknown, allowed: string): BridgeError {
  return new BridgeError(BridgeErrorCode.ENCODE_RANGE, `${name} = ${String(value)} is out of range (${allowed})`);
}
