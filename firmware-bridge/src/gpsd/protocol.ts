import type { RawPosition } from '../nmea/epoch.js';
import type { GpsFix } from '../samples.js';

/**
 * gpsd's JSON protocol (man/gpsd_json.adoc in the gpsd sources): one JSON object per line with a
 * "class" attribute. Pure: parsing never throws, so one garbled line (gpsd truncates reports
 * longer than 10240 bytes) costs that line and nothing else.
 */
export const GPSD_DEFAULT_PORT = 2947;

export interface GpsdVersion {
  class: 'VERSION';
  release: string;
  rev?: string;
  protoMajor: number;
  protoMinor: number;
}

export interface GpsdDevice {
  path?: string;
  driver?: string;
  bps?: number;
}

export interface GpsdDevices {
  class: 'DEVICES';
  devices: GpsdDevice[];
}

export interface GpsdWatch {
  class: 'WATCH';
  enable?: boolean;
  json?: boolean;
  device?: string;
}

/** Time-position-velocity report. Units as gpsd sends them: metres, m/s, degrees. */
export interface GpsdTpv {
  class: 'TPV';
  device?: string;
  /** 0 unknown, 1 no fix, 2 2D, 3 3D. */
  mode: 0 | 1 | 2 | 3;
  /** ISO 8601 UTC; "may be random" without a fix, says gpsd. */
  time?: string;
  lat?: number;
  lon?: number;
  altMSL?: number;
  /** Deprecated by gpsd 3.20 in favour of altMSL/altHAE; older daemons only send this. */
  alt?: number;
  altHAE?: number;
  speed?: number;
  track?: number;
  climb?: number;
  eph?: number;
  epv?: number;
}

export interface GpsdSky {
  class: 'SKY';
  device?: string;
  time?: string;
  hdop?: number;
  pdop?: number;
  vdop?: number;
  nSat?: number;
  uSat?: number;
  /** Satellites flagged "used" in the satellites array, when gpsd sent one. */
  usedInList?: number;
}

export interface GpsdErrorReport {
  class: 'ERROR';
  message: string;
}

/** A well-formed report the bridge does not use (DEVICE, PPS, TOFF, GST, ATT, POLL, …). */
export interface GpsdOther {
  class: 'other';
  name: string;
}

export type GpsdMessage = GpsdVersion | GpsdDevices | GpsdWatch | GpsdTpv | GpsdSky | GpsdErrorReport | GpsdOther;

export type GpsdParseResult = { ok: true; message: GpsdMessage } | { ok: false; reason: string };

/** The request that starts the stream of JSON reports, for every device or only one. */
export function watchCommand(device?: string): string {
  const args: Record<string, unknown> = { enable: true, json: true };
  if (device !== undefined) args.device = device;
  return `?WATCH=${JSON.stringify(args)};\n`;
}

export function parseGpsdLine(line: string): GpsdParseResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'not an object' };
  const o = value as Record<string, unknown>;
  if (typeof o.class !== 'string') return { ok: false, reason: 'no "class" attribute' };
  try {
    return { ok: true, message: interpret(o.class, o) };
  } catch (err) {
    return { ok: false, reason: err instanceof Malformed ? err.message : String(err) };
  }
}

class Malformed extends Error {}

function interpret(kind: string, o: Record<string, unknown>): GpsdMessage {
  switch (kind) {
    case 'VERSION':
      return compact({
        class: 'VERSION',
        release: str(o, 'release', true),
        rev: str(o, 'rev'),
        protoMajor: num(o, 'proto_major', true),
        protoMinor: num(o, 'proto_minor', true),
      });
    case 'DEVICES': {
      if (!Array.isArray(o.devices)) throw new Malformed('DEVICES without a devices array');
      const devices = o.devices.map((d: unknown) => {
        if (typeof d !== 'object' || d === null) throw new Malformed('DEVICES entry is not an object');
        const device = d as Record<string, unknown>;
        return compact({ path: str(device, 'path'), driver: str(device, 'driver'), bps: num(device, 'bps') });
      });
      return { class: 'DEVICES', devices };
    }
    case 'WATCH':
      return compact({ class: 'WATCH', enable: bool(o, 'enable'), json: bool(o, 'json'), device: str(o, 'device') });
    case 'TPV': {
      const mode = num(o, 'mode', true);
      if (mode !== 0 && mode !== 1 && mode !== 2 && mode !== 3) throw new Malformed(`TPV mode ${mode}`);
      const tpv: GpsdTpv = { class: 'TPV', mode, device: str(o, 'device'), time: str(o, 'time') };
      for (const key of ['lat', 'lon', 'altMSL', 'alt', 'altHAE', 'speed', 'track', 'climb', 'eph', 'epv'] as const) {
        tpv[key] = num(o, key);
      }
      return compact(tpv);
    }
    case 'SKY': {
      const sky: GpsdSky = { class: 'SKY', device: str(o, 'device'), time: str(o, 'time') };
      for (const key of ['hdop', 'pdop', 'vdop', 'nSat', 'uSat'] as const) sky[key] = num(o, key);
      if (Array.isArray(o.satellites)) {
        sky.usedInList = o.satellites.filter((s: unknown) => (s as { used?: unknown } | null)?.used === true).length;
      }
      return compact(sky);
    }
    case 'ERROR':
      return { class: 'ERROR', message: str(o, 'message') ?? '' };
    default:
      return { class: 'other', name: kind };
  }
}

function num(o: Record<string, unknown>, key: string, required: true): number;
function num(o: Record<string, unknown>, key: string, required?: boolean): number | undefined;
function num(o: Record<string, unknown>, key: string, required = false): number | undefined {
  const value = o[key];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Malformed(`"${key}" is not a number`);
  return value;
}

function str(o: Record<string, unknown>, key: string, required: true): string;
function str(o: Record<string, unknown>, key: string, required?: boolean): string | undefined;
function str(o: Record<string, unknown>, key: string, required = false): string | undefined {
  const value = o[key];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string') throw new Malformed(`"${key}" is not a string`);
  return value;
}

function bool(o: Record<string, unknown>, key: string): boolean | undefined {
  const value = o[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new Malformed(`"${key}" is not a boolean`);
  return value;
}

/** Drops absent attributes, as gpsd itself does ("attributes with empty or undefined values are omitted"). */
function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

const FIX_BY_MODE: Record<number, GpsFix> = { 0: 'none', 1: 'none', 2: '2d', 3: '3d' };

/** One TPV (plus the latest SKY of the same device) as a raw fix; TPV speed is m/s. */
export function tpvToRaw(tpv: GpsdTpv, sky: GpsdSky | undefined, at: number): RawPosition {
  const raw: RawPosition = { at, fix: FIX_BY_MODE[tpv.mode] ?? 'none' };
  if (tpv.lat !== undefined && tpv.lon !== undefined) {
    raw.lat = tpv.lat;
    raw.lon = tpv.lon;
  }
  const altitude = tpv.altMSL ?? tpv.alt;
  if (altitude !== undefined) raw.altitudeM = altitude;
  if (tpv.speed !== undefined) raw.speedKmh = tpv.speed * 3.6;
  if (tpv.track !== undefined) raw.courseDeg = tpv.track;
  const satellites = sky?.uSat ?? sky?.usedInList;
  if (satellites !== undefined) raw.satellites = satellites;
  if (sky?.hdop !== undefined) raw.hdop = sky.hdop;
  // Without a 2D/3D fix gpsd's time may be the receiver's unsynchronised clock: never set ours from it.
  const time = tpv.mode >= 2 && tpv.time !== undefined ? Date.parse(tpv.time) : Number.NaN;
  if (Number.isFinite(time)) raw.gpsTime = time;
  return raw;
}
