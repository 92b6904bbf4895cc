import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_BYTES, parseState, parseTelemetry } from './parse.js';
import { isInUnitSubtree, parseUnitTopic, unitTopic } from './topics.js';

const battery = {
  state: 'connected',
  socPct: 81,
  voltageV: 50.12,
  currentA: -7.9,
  remainingAh: 16.2,
  nominalAh: 20,
  cycles: 12,
  temperaturesC: [21.5, 22],
  protection: [],
  fets: { charge: true, discharge: true },
};
const telemetry = {
  v: 1,
  bootId: '0f1e2d3c-aaaa',
  records: [{ seq: 0, ts: 1_700_000_000_000, historical: false, battery }],
};

describe('contract payload parsing', () => {
  it('accepts a valid telemetry batch from bytes or text', () => {
    const bytes = new TextEncoder().encode(JSON.stringify(telemetry));
    const fromBytes = parseTelemetry(bytes);
    expect(fromBytes.ok).toBe(true);
    expect(fromBytes.ok && fromBytes.value.records[0]?.battery?.socPct).toBe(81);
    expect(parseTelemetry(JSON.stringify(telemetry)).ok).toBe(true);
  });

  it.each([
    ['not JSON', '{"v":1,', 'not-json'],
    ['a number', '42', 'schema'],
    ['a wrong version', JSON.stringify({ ...telemetry, v: 2 }), 'schema'],
    ['an empty batch', JSON.stringify({ ...telemetry, records: [] }), 'schema'],
    [
      'SOC over 100',
      JSON.stringify({ ...telemetry, records: [{ ...telemetry.records[0], battery: { ...battery, socPct: 140 } }] }),
      'schema',
    ],
    ['an extra field', JSON.stringify({ ...telemetry, mac: 'aa:bb:cc:dd:ee:ff' }), 'schema'],
    ['a negative seq', JSON.stringify({ ...telemetry, records: [{ ...telemetry.records[0], seq: -1 }] }), 'schema'],
  ])('refuses %s with a reason', (_label, payload, reason) => {
    const result = parseTelemetry(payload);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toBe(reason);
  });

  it('refuses oversized payloads before parsing them', () => {
    const result = parseTelemetry(new Uint8Array(MAX_PAYLOAD_BYTES + 1));
    expect(!result.ok && result.reason).toBe('too-large');
  });

  it('names the offending path in the detail', () => {
    const result = parseState(JSON.stringify({ v: 1, state: 'sleeping', bootId: '12345678', ts: 1 }));
    expect(!result.ok && result.detail).toContain('/state');
  });
});

describe('contract topics', () => {
  it('round-trips unit topics and rejects foreign ones', () => {
    expect(parseUnitTopic(unitTopic('tri-01', 'telemetry'))).toEqual({ unitId: 'tri-01', channel: 'telemetry' });
    expect(parseUnitTopic('triporteur/v1/tri-01/secret')).toBeUndefined();
    expect(parseUnitTopic('triporteur/v1/TRI 01/state')).toBeUndefined();
    expect(parseUnitTopic('other/v1/tri-01/state')).toBeUndefined();
  });

  it('confines a unit to its own subtree', () => {
    expect(isInUnitSubtree('tri-01', 'triporteur/v1/tri-01/telemetry')).toBe(true);
    expect(isInUnitSubtree('tri-01', 'triporteur/v1/tri-02/telemetry')).toBe(false);
    expect(isInUnitSubtree('tri-01', 'triporteur/v1/tri-01x/telemetry')).toBe(false);
    expect(isInUnitSubtree('tri-01', 'triporteur/v1/tri-01/#')).toBe(false);
  });
});
