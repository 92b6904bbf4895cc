import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EdgeErrorCode, isEdgeError } from '../errors.js';
import { loadEdgeConfig, validateEdgeConfig } from './load.js';

const valid = () => ({
  configVersion: 1,
  unitId: 'tri-test-01',
  bms: { type: 'jbd', path: '/dev/ttyUSB0' },
  mqtt: { url: 'mqtt://127.0.0.1:1883', username: 'tri-test-01', password: 's3cret' },
});

function codeAndMessage(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (isEdgeError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected an EdgeError');
}

describe('edge config', () => {
  it('fills defaults and freezes the result', () => {
    const config = validateEdgeConfig(valid());
    expect(config.bms.baudRate).toBe(9600);
    expect(config.bms.pollIntervalMs).toBe(5000);
    expect(config.mqtt.keepaliveS).toBe(330);
    expect(config.telemetry).toMatchObject({ sampleIntervalMs: 10_000, batchIntervalMs: 300_000, maxBatch: 100 });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.mqtt)).toBe(true);
    expect(() => {
      (config.mqtt as { url: string }).url = 'mqtt://elsewhere';
    }).toThrow(TypeError);
  });

  it('does not modify the object it was given', () => {
    const input = valid();
    validateEdgeConfig(input);
    expect(input.bms).toEqual({ type: 'jbd', path: '/dev/ttyUSB0' });
  });

  it.each([
    [
      'a wrong type',
      (c: Record<string, unknown>) => ((c.bms as Record<string, unknown>).baudRate = 'fast'),
      'bms/baudRate',
    ],
    [
      'a missing field',
      (c: Record<string, unknown>) => delete (c.mqtt as Record<string, unknown>).password,
      'mqtt/password',
    ],
    ['a bad unit id', (c: Record<string, unknown>) => (c.unitId = 'Tri 01!'), 'unitId'],
    ['an unknown key', (c: Record<string, unknown>) => (c.colour = 'green'), 'colour'],
    [
      'a bad URL scheme',
      (c: Record<string, unknown>) => ((c.mqtt as Record<string, unknown>).url = 'http://x'),
      'mqtt/url',
    ],
    ['a wrong version', (c: Record<string, unknown>) => (c.configVersion = 7), 'configVersion'],
  ])('names the field on %s', (_label, mutate, field) => {
    const config = valid() as Record<string, unknown>;
    mutate(config);
    const { code, message } = codeAndMessage(() => validateEdgeConfig(config));
    expect(code).toBe(EdgeErrorCode.CONFIG_INVALID);
    expect(message).toContain(`"${field}"`);
  });

  it('reports an unreadable file and broken JSON with their own codes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'edge-config-'));
    await expect(loadEdgeConfig(join(dir, 'missing.json'))).rejects.toMatchObject({ code: EdgeErrorCode.CONFIG_READ });
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ "unitId": ');
    await expect(loadEdgeConfig(broken)).rejects.toMatchObject({ code: EdgeErrorCode.CONFIG_JSON });
    const good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify(valid()));
    await expect(loadEdgeConfig(good)).resolves.toMatchObject({ unitId: 'tri-test-01' });
  });
});
