import { deflateRawSync, inflateRawSync, constants as zlibConstants } from 'node:zlib';
import type { TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { type ContractViolation, MAX_PAYLOAD_BYTES } from './parse.js';
import { type TelemetryPayload, TelemetryPayloadSchema } from './payloads.js';
import { type TelemetryBatchV2, TelemetryBatchV2Schema } from './records.js';

/**
 * Wire encoding of telemetry batches (docs/telemetry.md).
 *
 * Byte 0 is a header: high nibble = header version (1), low nibble = encoding id.
 * - 0x10: plain JSON follows;
 * - 0x11: JSON compressed with raw DEFLATE (RFC 1951, no zlib or gzip wrapper) follows;
 * - 0x12: the same with BATCH_DICTIONARY_1 as the preset dictionary (RFC 1951 window primed with it).
 * A payload whose first byte is `{` is a headerless JSON payload from a unit that predates the header;
 * header version 7 is reserved so that 0x7B can never be a header.
 * Pure and synchronous: no logger, no timer, so a capture can be decoded anywhere node:zlib exists.
 */

export const BATCH_HEADER_VERSION = 1;
export const BatchEncoding = { json: 0, deflateRaw: 1, deflateRawDict1: 2 } as const;
export type BatchEncoding = (typeof BatchEncoding)[keyof typeof BatchEncoding];

/**
 * Preset dictionary of encoding 2: a typical batch, rarest strings first, since DEFLATE codes near
 * matches cheaper. A batch of a few minutes is too short to learn the key names itself; primed with
 * this, it costs ~35 % fewer bytes (docs/telemetry.md). NEVER EDIT: units in the field and stored
 * captures decode with these exact bytes. A better dictionary is a new encoding id.
 */
export const BATCH_DICTIONARY_1 = [
  '{"v":2,"bootId":"","records":[{"seq":0,"ts":1700000000000,"historical":true,',
  '"battery":{"state":"connected","socPct":80,"voltageV":52.25,"currentA":-1.5,"remainingAh":16.25,"nominalAh":20,',
  '"cycles":100,"cellsV":[4.012,4.013,4.014,4.015,4.016,4.017,4.018,4.019,4.011,4.010,4.009,4.008,4.007,4.006],',
  '"temperaturesC":[21.5,22.5,23.5,24.5],"protection":[],"fets":{"charge":true,"discharge":true},"full":true},',
  '"motor":{"state":"connected","speedKmh":0,"erpm":0,"wheelRpm":0,"inputCurrentA":0,"motorCurrentA":0,"powerW":0,',
  '"voltageV":52.1,"controllerTempC":30.5,"motorTempC":35.5,"dutyPct":0,"faultCode":0,"faultName":"none","full":true,',
  '"q":{"powerW":"inferred"}},"position":{"state":"connected","fix":"3d","lat":48.85,"lon":2.35,"speedKmh":0,',
  '"courseDeg":180,"altitudeM":35,"satellites":9,"hdop":0.9,"full":true},',
  '"aux":{"state":"connected","batteryV":52.1,"temperatureC":25.5,"modemPowered":true,"pauseLocation":false,"full":true},',
  '"hotspot":{"sessionsNow":0,"sessionsToday":0,"distinctDevicesToday":0,"full":true},',
  '"uplink":{"signalPct":60,"bytesSent":100000,"bytesReceived":10000,"reconnects":0,"outboxDepth":0,"full":true},',
  '"system":{"cpuTempC":50.5,"load1":0.25,"memUsedPct":30.5,"diskUsedPct":10.5,"uptimeS":100000,"full":true}},',
  '{"seq":1,"ts":1700000010000,"system":{"cpuTempC":52.5}},{"seq":2,"ts":1700000020000,"aux":{"batteryV":51.5}},',
  '{"seq":3,"ts":1700000030000,"battery":{"voltageV":51.25,"currentA":-10.5},"motor":{"speedKmh":15.5,',
  '"inputCurrentA":10.5,"motorCurrentA":16.5},"position":{"lat":48.85,"lon":2.35,"speedKmh":15.5}},',
  '{"seq":4,"ts":1700000040000,"battery":{"voltageV":51.25,"currentA":-10.5},"motor":{"inputCurrentA":10.5,',
  '"motorCurrentA":16.5},"position":{"lat":48.85,"lon":2.35}},{"seq":5,"ts":1700000050000,',
  '"battery":{"voltageV":51.25,"currentA":-10.5},"position":{"lat":48.85,"lon":2.35,"speedKmh":15.5}},',
  '{"seq":6,"ts":1700000060000,',
].join('');
const dictionary = new TextEncoder().encode(BATCH_DICTIONARY_1);

/** Inflated size we accept: a 500-record batch is ~60 kB of JSON, so 1 MiB only stops decompression bombs. */
export const MAX_INFLATED_BYTES = 1024 * 1024;

export type TelemetryBatch = TelemetryPayload | TelemetryBatchV2;

/** Why a batch was refused; stable strings the dashboard counts by (a superset of ContractViolation). */
export type BatchViolation = ContractViolation | 'empty' | 'bad-header' | 'corrupt' | 'inflate-limit';

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; reason: BatchViolation; detail: string };

export type EncodingName = 'json' | 'deflate-raw' | 'deflate-raw-dict';

export interface EncodeOptions {
  /** 'auto' (default): deflate-raw-dict, or plain JSON when that is no bigger (a tiny batch). */
  encoding?: 'auto' | EncodingName;
}

const header = (encoding: BatchEncoding) => (BATCH_HEADER_VERSION << 4) | encoding;

function frame(encoding: BatchEncoding, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.byteLength + 1);
  out[0] = header(encoding);
  out.set(body, 1);
  return out;
}

export function encodeBatch(payload: TelemetryBatch, options: EncodeOptions = {}): Uint8Array {
  const choice = options.encoding ?? 'auto';
  const json = new TextEncoder().encode(JSON.stringify(payload));
  if (choice === 'json') return frame(BatchEncoding.json, json);
  const level = zlibConstants.Z_BEST_COMPRESSION;
  if (choice === 'deflate-raw') return frame(BatchEncoding.deflateRaw, deflateRawSync(json, { level }));
  const deflated = deflateRawSync(json, { level, dictionary });
  if (choice === 'auto' && deflated.byteLength >= json.byteLength) return frame(BatchEncoding.json, json);
  return frame(BatchEncoding.deflateRawDict1, deflated);
}

/** Header and compression only: bytes → JSON text. Never throws. */
export function unwrapBatch(bytes: Uint8Array): DecodeResult<string> {
  if (bytes.byteLength === 0) return { ok: false, reason: 'empty', detail: 'no bytes' };
  if (bytes.byteLength > MAX_PAYLOAD_BYTES) {
    return { ok: false, reason: 'too-large', detail: `${bytes.byteLength} bytes` };
  }
  const first = bytes[0] ?? 0;
  if (first === 0x7b) return { ok: true, value: new TextDecoder().decode(bytes) };
  const hex = `0x${first.toString(16).padStart(2, '0')}`;
  if (first >> 4 !== BATCH_HEADER_VERSION) {
    return { ok: false, reason: 'bad-header', detail: `header ${hex}: unknown header version` };
  }
  const body = bytes.subarray(1);
  switch (first & 0x0f) {
    case BatchEncoding.json:
      return { ok: true, value: new TextDecoder().decode(body) };
    case BatchEncoding.deflateRaw:
      return inflate(body, undefined);
    case BatchEncoding.deflateRawDict1:
      return inflate(body, dictionary);
    default:
      return { ok: false, reason: 'bad-header', detail: `header ${hex}: unknown encoding` };
  }
}

function inflate(body: Uint8Array, preset: Uint8Array | undefined): DecodeResult<string> {
  try {
    // maxOutputLength makes zlib stop at the limit instead of allocating whatever the stream asks for.
    const options = { maxOutputLength: MAX_INFLATED_BYTES };
    const out = inflateRawSync(body, preset ? { ...options, dictionary: preset } : options);
    return { ok: true, value: new TextDecoder().decode(out) };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      return { ok: false, reason: 'inflate-limit', detail: `inflates past ${MAX_INFLATED_BYTES} bytes` };
    }
    return { ok: false, reason: 'corrupt', detail: (err as Error).message };
  }
}

const checkV1 = TypeCompiler.Compile(TelemetryPayloadSchema);
const checkV2 = TypeCompiler.Compile(TelemetryBatchV2Schema);

function schemaError(check: TypeCheck<TSchema>, json: unknown): string {
  const first = check.Errors(json).First();
  return first ? `${first.path || '/'}: ${first.message}` : 'does not match schema';
}

/** Bytes → a validated telemetry batch of payload version 1 or 2, whatever the encoding. Never throws. */
export function decodeBatch(bytes: Uint8Array): DecodeResult<TelemetryBatch> {
  const text = unwrapBatch(bytes);
  if (!text.ok) return text;
  let json: unknown;
  try {
    json = JSON.parse(text.value);
  } catch (err) {
    return { ok: false, reason: 'not-json', detail: (err as Error).message };
  }
  const version = typeof json === 'object' && json !== null ? (json as { v?: unknown }).v : undefined;
  const check = version === 2 ? checkV2 : checkV1;
  if (!check.Check(json)) return { ok: false, reason: 'schema', detail: schemaError(check, json) };
  return { ok: true, value: json as TelemetryBatch };
}
