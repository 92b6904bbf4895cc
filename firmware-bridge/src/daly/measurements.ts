import {
  DALY_CURRENT_OFFSET,
  DALY_TEMPERATURE_OFFSET,
  range,
  temperature,
  u8,
  u16,
  viewOf,
  withReserved,
} from './wire.js';

/**
 * The eight data bytes of the Daly replies that carry measurements (0x90–0x92, 0x95, 0x96), both
 * ways. Layouts from Daly's "UART/485 Communications Protocol V1.2"; 16-bit fields are big-endian.
 * Bytes the document calls reserved are kept (`reserved`): real boards leave the previous reply's
 * bytes there, and re-encoding must give back the same frame.
 */

/** 0x95 carries three cells per frame, 0x96 seven temperatures. */
export const DALY_CELLS_PER_FRAME = 3;
export const DALY_TEMPERATURES_PER_FRAME = 7;

export interface DalySoc {
  voltageV: number;
  /** "Gather total voltage": a second measurement most boards leave at 0. */
  gatherVoltageV: number;
  /** (raw − 30000) × 0.1 A as the wire has it, before the per-unit sign (see DalyDriverOptions.currentSign). */
  wireCurrentA: number;
  socPct: number;
}

export interface DalyCellVoltageRange {
  maxCellV: number;
  /** Cell numbers count from 1. */
  maxCell: number;
  minCellV: number;
  minCell: number;
  reserved: number[];
}

export interface DalyTemperatureRange {
  maxC: number;
  maxSensor: number;
  minC: number;
  minSensor: number;
  reserved: number[];
}

export interface DalyCellFrame {
  /** Boards number frames from 1 (the V1.2 text says 0; 0xFF marks an invalid frame). */
  frame: number;
  cellsV: number[];
  reserved: number[];
}

export interface DalyTemperatureFrame {
  frame: number;
  temperaturesC: number[];
}

export function decodeSoc(data: Uint8Array): DalySoc {
  const view = viewOf(data, 'SOC (0x90)');
  return {
    voltageV: view.getUint16(0) / 10,
    gatherVoltageV: view.getUint16(2) / 10,
    wireCurrentA: (view.getUint16(4) - DALY_CURRENT_OFFSET) / 10,
    socPct: view.getUint16(6) / 10,
  };
}

export function encodeSoc(soc: DalySoc): Uint8Array {
  const data = new Uint8Array(8);
  const view = new DataView(data.buffer);
  view.setUint16(0, u16('voltageV', soc.voltageV, 10));
  view.setUint16(2, u16('gatherVoltageV', soc.gatherVoltageV, 10));
  view.setUint16(4, u16('wireCurrentA', soc.wireCurrentA, 10, DALY_CURRENT_OFFSET));
  view.setUint16(6, u16('socPct', soc.socPct, 10));
  return data;
}

export function decodeCellVoltageRange(data: Uint8Array): DalyCellVoltageRange {
  const view = viewOf(data, 'cell voltage range (0x91)');
  return {
    maxCellV: view.getUint16(0) / 1000,
    maxCell: view.getUint8(2),
    minCellV: view.getUint16(3) / 1000,
    minCell: view.getUint8(5),
    reserved: [...data.subarray(6, 8)],
  };
}

export function encodeCellVoltageRange(range: DalyCellVoltageRange): Uint8Array {
  const data = withReserved(6, range.reserved);
  const view = new DataView(data.buffer);
  view.setUint16(0, u16('maxCellV', range.maxCellV, 1000));
  view.setUint8(2, u8('maxCell', range.maxCell));
  view.setUint16(3, u16('minCellV', range.minCellV, 1000));
  view.setUint8(5, u8('minCell', range.minCell));
  return data;
}

export function decodeTemperatureRange(data: Uint8Array): DalyTemperatureRange {
  const view = viewOf(data, 'temperature range (0x92)');
  return {
    maxC: view.getUint8(0) - DALY_TEMPERATURE_OFFSET,
    maxSensor: view.getUint8(1),
    minC: view.getUint8(2) - DALY_TEMPERATURE_OFFSET,
    minSensor: view.getUint8(3),
    reserved: [...data.subarray(4, 8)],
  };
}

export function encodeTemperatureRange(range: DalyTemperatureRange): Uint8Array {
  const data = withReserved(4, range.reserved);
  data[0] = temperature('maxC', range.maxC);
  data[1] = u8('maxSensor', range.maxSensor);
  data[2] = temperature('minC', range.minC);
  data[3] = u8('minSensor', range.minSensor);
  return data;
}

export function decodeCellFrame(data: Uint8Array): DalyCellFrame {
  const view = viewOf(data, 'cell voltages (0x95)');
  return {
    frame: view.getUint8(0),
    cellsV: [1, 3, 5].map((at) => view.getUint16(at) / 1000),
    reserved: [view.getUint8(7)],
  };
}

export function encodeCellFrame(cells: DalyCellFrame): Uint8Array {
  if (cells.cellsV.length !== DALY_CELLS_PER_FRAME) throw range('cellsV', cells.cellsV.length, 'exactly 3 cells');
  const data = withReserved(7, cells.reserved);
  const view = new DataView(data.buffer);
  view.setUint8(0, u8('frame', cells.frame));
  cells.cellsV.forEach((v, i) => {
    view.setUint16(1 + 2 * i, u16('cellsV', v, 1000));
  });
  return data;
}

export function decodeTemperatureFrame(data: Uint8Array): DalyTemperatureFrame {
  viewOf(data, 'temperatures (0x96)');
  return { frame: data[0] ?? 0, temperaturesC: [...data.subarray(1, 8)].map((t) => t - DALY_TEMPERATURE_OFFSET) };
}

export function encodeTemperatureFrame(temps: DalyTemperatureFrame): Uint8Array {
  if (temps.temperaturesC.length !== DALY_TEMPERATURES_PER_FRAME) {
    throw range('temperaturesC', temps.temperaturesC.length, 'exactly 7 values');
  }
  return Uint8Array.from([
    u8('frame', temps.frame),
    ...temps.temperaturesC.map((c) => temperature('temperaturesC', c)),
  ]);
}
