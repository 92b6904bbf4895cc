import { ModemError, ModemErrorCode } from './errors.js';

/**
 * Parsers for mmcli's JSON output (`-J`, ModemManager ≥ 1.10). Its shape, from cli/mmcli-output.c: keys
 * are the dotted field names split into nested objects ("modem.3gpp.operator-name"), every value is a
 * string, "--" stands for unknown, and comma lists (access technologies) become arrays of strings.
 * A field that is missing, "--" or not a number where one is expected is undefined; output that is not
 * JSON, or lacks the top-level object mmcli always prints, is an error (the caller keeps its last reading).
 */

/** Registration states with packet data service (MMModem3gppRegistrationState, ModemManager-enums.h). */
const DATA_REGISTERED = new Set(['home', 'roaming', 'home-csfb-not-preferred', 'roaming-csfb-not-preferred']);

/** MMModemState nicknames from which the modem reports a live signal quality. */
const SIGNAL_STATES = new Set(['enabled', 'searching', 'registered', 'disconnecting', 'connecting', 'connected']);

/** MMModemAccessTechnology nicknames, best first: a modem on LTE with HSPA fallback reports "lte". */
const TECH_RANKING = [
  '5gnr',
  'lte',
  'lte-cat-m',
  'lte-nb-iot',
  'hspa-plus',
  'hspa',
  'hsupa',
  'hsdpa',
  'umts',
  'edge',
  'gprs',
  'gsm-compact',
  'gsm',
  'evdob',
  'evdoa',
  'evdo0',
  '1xrtt',
];

const MODEM_PATH = /^\/org\/freedesktop\/ModemManager1\/Modem\/\d{1,6}$/;
const BEARER_PATH = /^\/org\/freedesktop\/ModemManager1\/Bearer\/\d{1,6}$/;

export interface ModemStatus {
  /** MMModemState nickname: "registered", "connected", "disabled"… */
  state?: string;
  operator?: string;
  tech?: string;
  registration?: string;
  /** True when registered for packet data (home or roaming). */
  registered?: boolean;
  /** ModemManager's signal quality, %. */
  signalPct?: number;
  bearers: string[];
}

export interface ModemSignal {
  rsrpDbm?: number;
  rsrqDb?: number;
  /** ModemManager's "snr" for LTE (or 5G when there is no LTE reading): what modems report as SINR. */
  sinrDb?: number;
}

export interface BearerStats {
  connected?: boolean;
  bytesRx?: number;
  bytesTx?: number;
}

/** `mmcli -L -J`: {"modem-list":["/org/freedesktop/ModemManager1/Modem/0"]}. */
export function parseModemList(stdout: string): string[] {
  const list = topLevel(stdout, 'modem-list', 'mmcli -L');
  if (!Array.isArray(list)) throw outputError('mmcli -L: "modem-list" is not an array');
  return list.filter((path): path is string => typeof path === 'string' && MODEM_PATH.test(path));
}

/** `mmcli -m <modem> -J`. */
export function parseModemStatus(stdout: string): ModemStatus {
  const modem = object(topLevel(stdout, 'modem', 'mmcli -m'), 'mmcli -m: "modem"');
  const generic = object(modem.generic, 'mmcli -m: "modem.generic"');
  const threeGpp = asRecord(modem['3gpp']);
  const state = text(generic.state);
  const registration = text(threeGpp?.['registration-state']);
  const quality = number(asRecord(generic['signal-quality'])?.value);
  const operator = clean(text(threeGpp?.['operator-name']) ?? text(threeGpp?.['operator-code']), 40);
  const tech = bestTech(generic['access-technologies']);
  const bearers = Array.isArray(generic.bearers)
    ? generic.bearers.filter((path): path is string => typeof path === 'string' && BEARER_PATH.test(path))
    : [];
  return {
    ...(state ? { state } : {}),
    ...(operator ? { operator } : {}),
    ...(tech ? { tech } : {}),
    ...(registration ? { registration, registered: DATA_REGISTERED.has(registration) } : {}),
    ...(quality !== undefined && quality >= 0 && quality <= 100 && state && SIGNAL_STATES.has(state)
      ? { signalPct: quality }
      : {}),
    bearers,
  };
}

/** `mmcli -m <modem> --signal-get -J`: values such as "-95.00" (dBm, dB), once --signal-setup has run. */
export function parseSignal(stdout: string): ModemSignal {
  const modem = object(topLevel(stdout, 'modem', 'mmcli --signal-get'), 'mmcli --signal-get: "modem"');
  const signal = object(modem.signal, 'mmcli --signal-get: "modem.signal"');
  const lte = asRecord(signal.lte);
  const nr = asRecord(signal['5g']);
  // Out-of-range values are modems' "unknown" sentinels (0, -32768…), not readings.
  const read = (key: string, min: number, max: number) => {
    const value = number(lte?.[key]) ?? number(nr?.[key]);
    return value !== undefined && value >= min && value <= max ? value : undefined;
  };
  const rsrpDbm = read('rsrp', -156, -31);
  const rsrqDb = read('rsrq', -43, 20);
  const sinrDb = read('snr', -23, 40);
  return {
    ...(rsrpDbm !== undefined ? { rsrpDbm } : {}),
    ...(rsrqDb !== undefined ? { rsrqDb } : {}),
    ...(sinrDb !== undefined ? { sinrDb } : {}),
  };
}

/**
 * `mmcli -b <bearer> -J`: status.connected "yes"/"no", stats.bytes-rx/-tx for the current connection and,
 * since ModemManager 1.14, total-bytes-rx/-tx across the bearer's reconnections, preferred when present.
 */
export function parseBearer(stdout: string): BearerStats {
  const bearer = object(topLevel(stdout, 'bearer', 'mmcli -b'), 'mmcli -b: "bearer"');
  const connected = text(asRecord(bearer.status)?.connected);
  const stats = asRecord(bearer.stats);
  const bytesRx = count(stats?.['total-bytes-rx']) ?? count(stats?.['bytes-rx']);
  const bytesTx = count(stats?.['total-bytes-tx']) ?? count(stats?.['bytes-tx']);
  return {
    ...(connected === 'yes' || connected === 'no' ? { connected: connected === 'yes' } : {}),
    ...(bytesRx !== undefined ? { bytesRx } : {}),
    ...(bytesTx !== undefined ? { bytesTx } : {}),
  };
}

function topLevel(stdout: string, key: string, what: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch (err) {
    throw new ModemError(ModemErrorCode.OUTPUT, `${what}: not JSON`, { cause: err });
  }
  const root = asRecord(parsed);
  if (!root || !Object.hasOwn(root, key)) throw outputError(`${what}: no "${key}" in the output`);
  return root[key];
}

function object(value: unknown, what: string): Record<string, unknown> {
  const record = asRecord(value);
  if (!record) throw outputError(`${what} is not an object`);
  return record;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '--' && value.trim() !== '' ? value : undefined;
}

function number(value: unknown): number | undefined {
  const s = text(value);
  return s !== undefined && /^-?\d{1,12}(\.\d{1,6})?$/.test(s.trim()) ? Number(s) : undefined;
}

function count(value: unknown): number | undefined {
  const n = number(value);
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function bestTech(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  const techs = value.filter((t): t is string => typeof t === 'string').map((t) => t.trim().toLowerCase());
  return (
    TECH_RANKING.find((t) => techs.includes(t)) ?? techs.find((t) => t !== 'unknown' && /^[a-z0-9-]{1,16}$/.test(t))
  );
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

/** Operator names come from the network: no control characters, bounded length. */
function clean(value: string | undefined, max: number): string | undefined {
  const cleaned = value?.replace(CONTROL_CHARACTERS, '').trim().slice(0, max);
  return cleaned ? cleaned : undefined;
}

function outputError(message: string): ModemError {
  return new ModemError(ModemErrorCode.OUTPUT, message);
}
