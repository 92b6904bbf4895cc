import { JBD_PROTECTION_FLAGS } from '@triporteur/firmware-bridge';
import type { RecordBody } from '../../src/contract/records.js';
import type { AvlIo, AvlRecord, IoSize } from './codec8.js';

/**
 * The same fields our records carry, put into Codec 8 IO elements at the same resolution (the wire
 * digits of edge/src/records/kinds.ts). Position goes in the GPS element. The IO ids are local to this
 * bench: a real device would use the AVL ids its configurator assigns. Codec 8 has no strings and no
 * per-field quality, so `faultName` (derivable from `faultCode`) and the quality map are not carried:
 * that makes (b) slightly smaller than (a) and (c), never larger.
 */

export type Snapshot = Pick<RecordBody, 'battery' | 'motor' | 'position' | 'aux' | 'hotspot' | 'system'>;
type MappedKind = keyof Snapshot;

interface IoField {
  id: number;
  kind: MappedKind;
  field: string;
  /** For array fields (cells, temperatures): the element. */
  index?: number;
  size: IoSize;
  signed: boolean;
  toInt(value: unknown): number | undefined;
  fromInt(n: number): unknown;
}

const DEVICE_STATES = ['connecting', 'connected', 'asleep', 'silent', 'stopped'] as const;
const FIXES = ['none', '2d', '3d'] as const;

const num =
  (scale: number) =>
  (value: unknown): number | undefined =>
    typeof value === 'number' ? Math.round(value * scale) : undefined;

function field(id: number, kind: MappedKind, name: string, size: IoSize, scale: number, signed = false): IoField {
  return { id, kind, field: name, size, signed, toInt: num(scale), fromInt: (n) => n / scale };
}

function oneOf(id: number, kind: MappedKind, name: string, values: readonly string[]): IoField {
  return {
    id,
    kind,
    field: name,
    size: 1,
    signed: false,
    toInt: (v) => (typeof v === 'string' && values.includes(v) ? values.indexOf(v) : undefined),
    fromInt: (n) => values[n],
  };
}

function flag(id: number, kind: MappedKind, name: string): IoField {
  return {
    id,
    kind,
    field: name,
    size: 1,
    signed: false,
    toInt: (v) => (typeof v === 'boolean' ? Number(v) : undefined),
    fromInt: (n) => n === 1,
  };
}

const elements = (first: number, count: number, make: (id: number, index: number) => IoField) =>
  Array.from({ length: count }, (_, i) => ({ ...make(first + i, i), index: i }));

export const IO_FIELDS: readonly IoField[] = [
  oneOf(1, 'battery', 'state', DEVICE_STATES),
  field(2, 'battery', 'socPct', 1, 1),
  field(3, 'battery', 'voltageV', 2, 100),
  field(4, 'battery', 'currentA', 2, 10, true),
  field(5, 'battery', 'remainingAh', 2, 100),
  field(6, 'battery', 'nominalAh', 2, 100),
  field(7, 'battery', 'cycles', 2, 1),
  {
    id: 8,
    kind: 'battery',
    field: 'protection',
    size: 2,
    signed: false,
    toInt: (v) =>
      Array.isArray(v) ? v.reduce<number>((bits, f) => bits | (1 << JBD_PROTECTION_FLAGS.indexOf(f)), 0) : undefined,
    fromInt: (n) => JBD_PROTECTION_FLAGS.filter((_, bit) => n & (1 << bit)),
  },
  {
    id: 9,
    kind: 'battery',
    field: 'fets',
    size: 1,
    signed: false,
    toInt: (v) => {
      const fets = v as { charge?: unknown; discharge?: unknown } | undefined;
      return fets ? Number(fets.charge === true) | (Number(fets.discharge === true) << 1) : undefined;
    },
    fromInt: (n) => ({ charge: (n & 1) === 1, discharge: (n & 2) === 2 }),
  },
  ...elements(10, 16, (id) => field(id, 'battery', 'cellsV', 2, 1000)),
  ...elements(26, 4, (id) => field(id, 'battery', 'temperaturesC', 2, 10, true)),
  oneOf(40, 'motor', 'state', DEVICE_STATES),
  field(41, 'motor', 'speedKmh', 2, 10),
  field(42, 'motor', 'erpm', 4, 1, true),
  field(43, 'motor', 'wheelRpm', 2, 1),
  field(44, 'motor', 'inputCurrentA', 2, 10, true),
  field(45, 'motor', 'motorCurrentA', 2, 10, true),
  field(46, 'motor', 'powerW', 2, 1, true),
  field(47, 'motor', 'voltageV', 2, 10),
  field(48, 'motor', 'controllerTempC', 2, 10, true),
  field(49, 'motor', 'motorTempC', 2, 10, true),
  field(50, 'motor', 'dutyPct', 1, 1, true),
  field(51, 'motor', 'faultCode', 1, 1),
  oneOf(60, 'position', 'state', DEVICE_STATES),
  oneOf(61, 'position', 'fix', FIXES),
  flag(62, 'position', 'paused'),
  field(63, 'position', 'hdop', 1, 10),
  field(64, 'position', 'fixAgeMs', 4, 1),
  oneOf(70, 'aux', 'state', DEVICE_STATES),
  field(71, 'aux', 'batteryV', 2, 100),
  field(72, 'aux', 'temperatureC', 2, 10, true),
  flag(73, 'aux', 'modemPowered'),
  flag(74, 'aux', 'pauseLocation'),
  field(80, 'hotspot', 'sessionsNow', 2, 1),
  field(81, 'hotspot', 'sessionsToday', 2, 1),
  field(82, 'hotspot', 'distinctDevicesToday', 2, 1),
  field(90, 'system', 'cpuTempC', 2, 10, true),
  field(91, 'system', 'load1', 2, 100),
  field(92, 'system', 'memUsedPct', 2, 10),
  field(93, 'system', 'diskUsedPct', 2, 10),
  field(94, 'system', 'uptimeS', 4, 1),
];

/** IO ids whose change is an alarm: the record goes out at high priority, at once (as Teltonika devices do). */
export const ALARM_IO_IDS = new Set([8, 51]);

const fieldValue = (snapshot: Snapshot, f: IoField): unknown => {
  const kind = snapshot[f.kind] as Record<string, unknown> | undefined;
  const value = kind?.[f.field];
  return f.index === undefined ? value : Array.isArray(value) ? value[f.index] : undefined;
};

function raw(f: IoField, n: number): bigint {
  const bits = 8 * f.size;
  const v = BigInt(n);
  const fits = f.signed
    ? v >= -(1n << BigInt(bits - 1)) && v < 1n << BigInt(bits - 1)
    : v >= 0n && v < 1n << BigInt(bits);
  if (!fits) throw new RangeError(`codec 8 map: ${f.kind}.${f.field} = ${n} does not fit IO ${f.id}`);
  return BigInt.asUintN(bits, v);
}

/** One AVL record holding every field of the snapshot (kinds sent in full). */
export function toAvlRecord(snapshot: Snapshot, ts: number, event: { priority: 0 | 1; eventIoId: number }): AvlRecord {
  const io: AvlIo[] = [];
  for (const f of IO_FIELDS) {
    const n = f.toInt(fieldValue(snapshot, f));
    if (n !== undefined) io.push({ id: f.id, size: f.size, value: raw(f, n) });
  }
  const p = (snapshot.position ?? {}) as Record<string, unknown>;
  const deg = (v: unknown) => (typeof v === 'number' ? Math.round(v * 1e7) : 0);
  const valid = p.fix !== 'none' && typeof p.speedKmh === 'number';
  return {
    timestamp: ts,
    priority: event.priority,
    longitude: deg(p.lon),
    latitude: deg(p.lat),
    altitudeM: typeof p.altitudeM === 'number' ? Math.round(p.altitudeM) : 0,
    angleDeg: typeof p.courseDeg === 'number' ? Math.round(p.courseDeg) % 360 : 0,
    satellites: typeof p.satellites === 'number' ? p.satellites : 0,
    // The spec's "0x0000 if GPS data is invalid".
    speedKmh: valid ? Math.round(p.speedKmh as number) : 0,
    eventIoId: event.eventIoId,
    io,
  };
}

/** The fields an AVL record carries, back in our units (for tests and for checking what was sent). */
export function fromAvlRecord(record: AvlRecord): Record<MappedKind, Record<string, unknown>> {
  const out: Record<MappedKind, Record<string, unknown>> = {
    battery: {},
    motor: {},
    position: {},
    aux: {},
    hotspot: {},
    system: {},
  };
  for (const io of record.io) {
    const f = IO_FIELDS.find((x) => x.id === io.id);
    if (!f) continue;
    const n = Number(f.signed ? BigInt.asIntN(8 * f.size, io.value) : io.value);
    const value = f.fromInt(n);
    const kind = out[f.kind];
    if (f.index === undefined) kind[f.field] = value;
    else {
      const list = (kind[f.field] as unknown[] | undefined) ?? [];
      list[f.index] = value;
      kind[f.field] = list;
    }
  }
  if (out.position.paused !== true) {
    Object.assign(out.position, {
      lat: record.latitude / 1e7,
      lon: record.longitude / 1e7,
      altitudeM: record.altitudeM,
      courseDeg: record.angleDeg,
      speedKmh: record.speedKmh,
    });
  }
  out.position.satellites = record.satellites;
  return out;
}
