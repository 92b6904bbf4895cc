import { BridgeError, BridgeErrorCode } from '../errors.js';
import {
  type DalyCellFrame,
  type DalyCellVoltageRange,
  type DalySoc,
  type DalyTemperatureFrame,
  type DalyTemperatureRange,
  decodeCellFrame,
  decodeCellVoltageRange,
  decodeSoc,
  decodeTemperatureFrame,
  decodeTemperatureRange,
  encodeCellFrame,
  encodeCellVoltageRange,
  encodeSoc,
  encodeTemperatureFrame,
  encodeTemperatureRange,
} from './measurements.js';
import {
  type DalyAlarms,
  type DalyBalance,
  type DalyMosStatus,
  type DalyStatusInfo,
  decodeAlarms,
  decodeBalance,
  decodeMosStatus,
  decodeStatusInfo,
  encodeAlarms,
  encodeBalance,
  encodeMosStatus,
  encodeStatusInfo,
} from './status.js';

/**
 * Daly smart BMS, legacy A5 protocol (REFERENCE.md §1; Daly "UART/485 Communications Protocol
 * V1.2"). Pure functions over Uint8Array. Every frame, both ways, is 13 bytes:
 * A5 <address> <data id> 08 <8 data bytes> <low byte of the sum of the 12 bytes before>.
 * Requests carry the host's address, replies the BMS's (0x01).
 */
export const DALY_START = 0xa5;
export const DALY_FRAME_LENGTH = 13;
export const DALY_DATA_LENGTH = 8;
export const DALY_BMS_ADDRESS = 0x01;

/** Host addresses from the V1.2 address table: "upper computer" 0x40, Bluetooth app 0x80, GPRS 0x20. */
export const DalyHostAddress = { rs485: 0x40, uart: 0x80, gprs: 0x20 } as const;
/** Which host address a driver uses: 0x40 on RS485 (the PC tool's), 0x80 on UART/Bluetooth. */
export type DalyLink = 'rs485' | 'uart';

export const DalyDataId = {
  soc: 0x90,
  cellVoltageRange: 0x91,
  temperatureRange: 0x92,
  mosStatus: 0x93,
  statusInfo: 0x94,
  cellVoltages: 0x95,
  temperatures: 0x96,
  balance: 0x97,
  alarms: 0x98,
} as const;
export type DalyKind = keyof typeof DalyDataId;

const KIND_BY_ID = new Map<number, DalyKind>(
  Object.entries(DalyDataId).map(([kind, id]) => [id, kind as DalyKind] as const),
);

export type DalyResponse = { address: number } & (
  | { kind: 'soc'; id: 0x90; soc: DalySoc }
  | { kind: 'cellVoltageRange'; id: 0x91; range: DalyCellVoltageRange }
  | { kind: 'temperatureRange'; id: 0x92; range: DalyTemperatureRange }
  | { kind: 'mosStatus'; id: 0x93; mos: DalyMosStatus }
  | { kind: 'statusInfo'; id: 0x94; status: DalyStatusInfo }
  | { kind: 'cellVoltages'; id: 0x95; cells: DalyCellFrame }
  | { kind: 'temperatures'; id: 0x96; temperatures: DalyTemperatureFrame }
  | { kind: 'balance'; id: 0x97; balance: DalyBalance }
  | { kind: 'alarms'; id: 0x98; alarms: DalyAlarms }
  /** An id outside 0x90–0x98 (settings, MOSFET switching): kept as raw bytes. */
  | { kind: 'other'; id: number; data: number[] }
);

export interface DalyRequest {
  address: number;
  id: number;
  /** Reads send zeros; some tools fill with 0xAA, and writes carry values here. */
  data: number[];
}

/** Low byte of the sum of bytes[start..end). */
export function dalyChecksum(bytes: Uint8Array, start = 0, end = DALY_FRAME_LENGTH - 1): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += bytes[i] ?? 0;
  return sum & 0xff;
}

export function isHostAddress(address: number): boolean {
  return address === DalyHostAddress.rs485 || address === DalyHostAddress.uart || address === DalyHostAddress.gprs;
}

export function hostAddress(link: DalyLink): number {
  return link === 'rs485' ? DalyHostAddress.rs485 : DalyHostAddress.uart;
}

export function kindOf(id: number): DalyKind | undefined {
  return KIND_BY_ID.get(id);
}

/** One whole frame around eight data bytes. */
export function encodeFrame(address: number, id: number, data: Uint8Array | readonly number[]): Uint8Array {
  if (data.length !== DALY_DATA_LENGTH) throw range('data length', data.length, 'exactly 8 bytes');
  const frame = new Uint8Array(DALY_FRAME_LENGTH);
  frame[0] = DALY_START;
  frame[1] = byte('address', address);
  frame[2] = byte('data id', id);
  frame[3] = DALY_DATA_LENGTH;
  data.forEach((value, i) => {
    frame[4 + i] = byte('data', value);
  });
  frame[12] = dalyChecksum(frame);
  return frame;
}

/** A read of one data id: eight zero bytes, as the V1.2 document's example sends. */
export function encodeReadRequest(id: number, link: DalyLink): Uint8Array {
  return encodeFrame(hostAddress(link), id, new Uint8Array(DALY_DATA_LENGTH));
}

export function encodeRequest(request: DalyRequest): Uint8Array {
  if (!isHostAddress(request.address)) throw range('request address', request.address, '0x20, 0x40 or 0x80');
  return encodeFrame(request.address, request.id, request.data);
}

export function decodeRequest(frame: Uint8Array): DalyRequest {
  const { address, id, data } = unwrap(frame);
  if (!isHostAddress(address)) {
    throw new BridgeError(BridgeErrorCode.FRAME_INVALID, `not a Daly request: address 0x${hex(address)}`);
  }
  return { address, id, data: [...data] };
}

/** Decodes one reply. Malformed bytes, or a request, throw BRG_FRAME_INVALID. */
export function decodeResponse(frame: Uint8Array): DalyResponse {
  const { address, id, data } = unwrap(frame);
  if (isHostAddress(address)) {
    throw new BridgeError(BridgeErrorCode.FRAME_INVALID, `a Daly request (address 0x${hex(address)}), not a reply`);
  }
  switch (id) {
    case DalyDataId.soc:
      return { kind: 'soc', address, id, soc: decodeSoc(data) };
    case DalyDataId.cellVoltageRange:
      return { kind: 'cellVoltageRange', address, id, range: decodeCellVoltageRange(data) };
    case DalyDataId.temperatureRange:
      return { kind: 'temperatureRange', address, id, range: decodeTemperatureRange(data) };
    case DalyDataId.mosStatus:
      return { kind: 'mosStatus', address, id, mos: decodeMosStatus(data) };
    case DalyDataId.statusInfo:
      return { kind: 'statusInfo', address, id, status: decodeStatusInfo(data) };
    case DalyDataId.cellVoltages:
      return { kind: 'cellVoltages', address, id, cells: decodeCellFrame(data) };
    case DalyDataId.temperatures:
      return { kind: 'temperatures', address, id, temperatures: decodeTemperatureFrame(data) };
    case DalyDataId.balance:
      return { kind: 'balance', address, id, balance: decodeBalance(data) };
    case DalyDataId.alarms:
      return { kind: 'alarms', address, id, alarms: decodeAlarms(data) };
    default:
      return { kind: 'other', address, id, data: [...data] };
  }
}

export function encodeResponse(response: DalyResponse): Uint8Array {
  return encodeFrame(response.address, response.id, responseData(response));
}

function responseData(response: DalyResponse): Uint8Array | readonly number[] {
  switch (response.kind) {
    case 'soc':
      return encodeSoc(response.soc);
    case 'cellVoltageRange':
      return encodeCellVoltageRange(response.range);
    case 'temperatureRange':
      return encodeTemperatureRange(response.range);
    case 'mosStatus':
      return encodeMosStatus(response.mos);
    case 'statusInfo':
      return encodeStatusInfo(response.status);
    case 'cellVoltages':
      return encodeCellFrame(response.cells);
    case 'temperatures':
      return encodeTemperatureFrame(response.temperatures);
    case 'balance':
      return encodeBalance(response.balance);
    case 'alarms':
      return encodeAlarms(response.alarms);
    case 'other':
      return response.data;
  }
}

/** Checks one whole frame (start, length byte, checksum) and returns its parts. */
function unwrap(frame: Uint8Array): { address: number; id: number; data: Uint8Array } {
  if (frame.length !== DALY_FRAME_LENGTH || frame[0] !== DALY_START) {
    throw new BridgeError(BridgeErrorCode.FRAME_INVALID, `not one whole Daly frame (${frame.length} bytes)`);
  }
  if (frame[3] !== DALY_DATA_LENGTH) {
    throw new BridgeError(BridgeErrorCode.FRAME_INVALID, `Daly length byte 0x${hex(frame[3])}, not 0x08`);
  }
  const computed = dalyChecksum(frame);
  if (frame[12] !== computed) {
    throw new BridgeError(
      BridgeErrorCode.FRAME_INVALID,
      `Daly checksum 0x${hex(frame[12])}, expected 0x${hex(computed)}`,
    );
  }
  return { address: frame[1] ?? 0, id: frame[2] ?? 0, data: frame.slice(4, 12) };
}

function byte(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw range(name, value, '0–255');
  return value;
}

function range(name: string, value: unknown, allowed: string): BridgeError {
  return new BridgeError(BridgeErrorCode.ENCODE_RANGE, `${name} = ${String(value)} is out of range (${allowed})`);
}

function hex(value: number | undefined): string {
  return (value ?? 0).toString(16).padStart(2, '0');
}
