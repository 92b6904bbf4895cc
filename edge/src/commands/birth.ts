import { createHash } from 'node:crypto';
import type { EdgeConfig } from '../config/schema.js';
import type { BirthPayload } from '../contract/commands.js';
import { withoutSecrets } from './config-keys.js';

export interface BirthInput {
  bootId: string;
  /** The validated config (defaults filled), so an omitted default and a written-out one hash the same. */
  config: Readonly<EdgeConfig>;
  /** The edge service's own version. */
  version: string;
  /** BMS hardware string as the BMS reports it. */
  bmsModel?: string | undefined;
  /** Device firmware versions as far as known, e.g. {bms: '…', sensorBoard: 'StandardFirmata 2.5'}. */
  firmware?: Readonly<Record<string, string>> | undefined;
  /** Unit clock, ms since the epoch. */
  now: number;
}

const MAX_TEXT = 64;
const FIRMWARE_KEY = /^[a-z][a-zA-Z0-9-]{0,31}$/;
const MAX_FIRMWARE_ENTRIES = 16;

/** JSON with object keys sorted at every depth, so equal configs give equal bytes whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, child]) => child !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(',')}}`;
}

/** sha256 (hex) of the canonical config JSON with secrets removed: a password rotation is not a config change. */
export function configHash(config: Readonly<EdgeConfig>): string {
  const canonical = canonicalJson(withoutSecrets(config, '', 'remove'));
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * The retained birth message: who this unit is and what it runs. Device strings come from hardware,
 * so they are clipped and filtered to the contract's limits here rather than refused.
 */
export function buildBirth(input: BirthInput): BirthPayload {
  const clip = (text: string) => text.slice(0, MAX_TEXT);
  const firmware: Record<string, string> = {};
  for (const [device, version] of Object.entries(input.firmware ?? {})) {
    if (Object.keys(firmware).length >= MAX_FIRMWARE_ENTRIES) break;
    if (FIRMWARE_KEY.test(device) && version.length > 0) firmware[device] = clip(version);
  }
  const birth: BirthPayload = {
    v: 1,
    bootId: input.bootId,
    software: { edge: clip(input.version) || 'unknown' },
    firmware,
    configHash: configHash(input.config),
    ts: Math.max(0, Math.round(input.now)),
  };
  const bmsModel = input.bmsModel?.trim();
  if (bmsModel) birth.bmsModel = clip(bmsModel);
  return birth;
}
