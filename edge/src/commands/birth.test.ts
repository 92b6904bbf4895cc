import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validateEdgeConfig } from '../config/load.js';
import { parseBirth } from '../contract/commands.js';
import { buildBirth, canonicalJson, configHash } from './birth.js';
import { withoutSecrets } from './config-keys.js';

const raw = () => ({
  configVersion: 1,
  unitId: 'tri-lyon-01',
  bms: { type: 'jbd', path: '/dev/triporteur-bms' },
  mqtt: { url: 'mqtts://fleet.example.org:8883', username: 'tri-lyon-01', password: 's3cret' },
});

/** The same object with every key order reversed, at every depth. */
function reversed(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversed(v)]),
  );
}

describe('config hash', () => {
  it('is stable across key order', () => {
    const a = validateEdgeConfig(raw());
    const b = validateEdgeConfig(reversed(raw()));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(b));
    expect(configHash(b)).toBe(configHash(a));
  });

  it('is unchanged by the password and changed by anything else', () => {
    const base = configHash(validateEdgeConfig(raw()));
    const rotated = raw();
    rotated.mqtt.password = 'an0ther-s3cret';
    expect(configHash(validateEdgeConfig(rotated))).toBe(base);
    const moved = raw();
    moved.bms.path = '/dev/ttyUSB1';
    expect(configHash(validateEdgeConfig(moved))).not.toBe(base);
  });

  it('treats a written-out default like an omitted one', () => {
    const explicit = raw() as ReturnType<typeof raw> & { telemetry?: unknown };
    explicit.telemetry = { batchIntervalMs: 300_000, deadbands: { battery: { socPct: 1 } } };
    expect(configHash(validateEdgeConfig(explicit))).toBe(configHash(validateEdgeConfig(raw())));
  });

  it('is the sha256 of the sorted, secret-free JSON (so the fleet side can recompute it)', () => {
    const config = validateEdgeConfig(raw());
    const canonical = canonicalJson(withoutSecrets(config, '', 'remove'));
    // Sorted at every depth, the password gone, every default written out.
    expect(canonical).toMatch(/^\{"bms":\{"baudRate":9600,"path":"\/dev\/triporteur-bms","pollIntervalMs":5000,/);
    expect(canonical).toContain(
      '"configVersion":1,"mqtt":{"downEventAfterS":120,"keepaliveS":330,"protocolVersion":4,"reconnectMaxMs":120000,"reconnectMs":5000,' +
        '"sessionExpiryS":604800,"url":"mqtts://fleet.example.org:8883","username":"tri-lyon-01"},' +
        '"outbox":{"maxAgeMs":172800000,',
    );
    expect(canonical).toContain('"telemetry":{"batchIntervalMs":300000,"budget":{"billingDay":1,"maxStretch":8},');
    expect(canonical).not.toContain('password');
    expect(configHash(config)).toBe(createHash('sha256').update(canonical).digest('hex'));
  });

  it('canonical JSON sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: null }], a: 'x', u: undefined })).toBe(
      '{"a":"x","b":[3,{"a":null,"z":1}]}',
    );
  });
});

describe('birth message', () => {
  it('carries identity, versions and the hash, and matches the contract', () => {
    const config = validateEdgeConfig(raw());
    const birth = buildBirth({
      bootId: '0f1e2d3c-aaaa',
      config,
      version: '0.1.0',
      bmsModel: ' JBD-SP04S034 ',
      firmware: { bms: '2.4', sensorBoard: 'StandardFirmata 2.5' },
      now: 1_700_000_000_000.4,
    });
    expect(birth).toEqual({
      v: 1,
      bootId: '0f1e2d3c-aaaa',
      software: { edge: '0.1.0' },
      firmware: { bms: '2.4', sensorBoard: 'StandardFirmata 2.5' },
      bmsModel: 'JBD-SP04S034',
      configHash: configHash(config),
      ts: 1_700_000_000_000,
    });
    expect(parseBirth(JSON.stringify(birth)).ok).toBe(true);
    expect(JSON.stringify(birth)).not.toContain('s3cret');
  });

  it('clips and filters what the hardware reports rather than publishing an invalid birth', () => {
    const firmware: Record<string, string> = { 'Bad Key': '1', empty: '', gps: 'x'.repeat(200) };
    for (let i = 0; i < 30; i++) firmware[`dev${i}`] = '1.0';
    const birth = buildBirth({
      bootId: '0f1e2d3c-aaaa',
      config: validateEdgeConfig(raw()),
      version: '',
      bmsModel: '   ',
      firmware,
      now: 5,
    });
    expect(birth.bmsModel).toBeUndefined();
    expect(birth.software.edge).toBe('unknown');
    expect(birth.firmware.gps).toHaveLength(64);
    expect(Object.keys(birth.firmware)).toHaveLength(16);
    expect(parseBirth(JSON.stringify(birth)).ok).toBe(true);
  });
});
