import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers.js';
import { loadDashboardConfig, validateDashboardConfig } from './config.js';
import { DashboardError, DashboardErrorCode } from './errors.js';

const HASH = `scrypt$${Buffer.alloc(16, 1).toString('base64')}$${Buffer.alloc(32, 2).toString('base64')}`;

const minimal = () => ({
  configVersion: 1,
  store: { path: '/var/lib/triporteur/fleet.db' },
  units: [{ id: 'tri-lyon-01', name: 'Lyon 01', secretHash: HASH }],
});

function failure(input: unknown): DashboardError {
  try {
    validateDashboardConfig(input);
  } catch (err) {
    if (err instanceof DashboardError) return err;
    throw err;
  }
  throw new Error('expected the config to be refused');
}

describe('validateDashboardConfig', () => {
  it('fills the defaults and freezes the result', () => {
    const config = validateDashboardConfig(minimal());
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8080, cookieSecure: true });
    expect(config.broker).toEqual({ mode: 'embedded', host: '127.0.0.1', port: 1883 });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.units[0])).toBe(true);
    expect(Object.isFrozen(config.broker)).toBe(true);
  });

  it('accepts an external broker', () => {
    const config = validateDashboardConfig({
      ...minimal(),
      broker: { mode: 'external', url: 'mqtt://mosquitto.lan:1883', username: 'dashboard', password: 'pw' },
    });
    expect(config.broker.mode).toBe('external');
  });

  it.each([
    ['a bad unit id', { units: [{ id: 'Tri Lyon', name: 'x', secretHash: HASH }] }, 'units/0/id:'],
    ['a plain-text secret', { units: [{ id: 'tri-a', name: 'x', secretHash: 'hunter2' }] }, 'units/0/secretHash:'],
    ['a misspelt field', { units: [{ id: 'tri-a', name: 'x', secrethash: HASH }] }, 'units/0/'],
    ['a port out of range', { http: { port: 70000 } }, 'http/port:'],
    [
      'an external broker without password',
      { broker: { mode: 'external', url: 'mqtt://h', username: 'u' } },
      'broker/password:',
    ],
    ['an embedded broker with a string port', { broker: { mode: 'embedded', port: '1883' } }, 'broker/port:'],
    ['an unknown broker mode', { broker: { mode: 'cloud' } }, 'broker/mode:'],
    ['a missing store', { store: undefined }, 'store:'],
    ['an unknown top-level field', { extra: true }, 'extra:'],
  ])('names the field for %s', (_what, patch, prefix) => {
    const err = failure({ ...minimal(), ...patch });
    expect(err.code).toBe(DashboardErrorCode.CONFIG_INVALID);
    expect(err.message.slice(0, prefix.length)).toBe(prefix);
  });

  it('refuses duplicate unit ids and an ingest account named like a unit', () => {
    const unit = minimal().units[0];
    const dup = failure({ ...minimal(), units: [unit, unit] });
    expect(dup.code).toBe(DashboardErrorCode.CONFIG_INVALID);
    expect(dup.message).toMatch(/^units\/1\/id:/);
    const clash = failure({ ...minimal(), ingest: { username: 'tri-lyon-01', secretHash: HASH } });
    expect(clash.message).toMatch(/^ingest\/username:/);
  });

  it('refuses another config version with its own code', () => {
    expect(failure({ ...minimal(), configVersion: 2 }).code).toBe(DashboardErrorCode.CONFIG_VERSION);
    expect(failure({ store: { path: 'x' } }).code).toBe(DashboardErrorCode.CONFIG_VERSION);
    expect(failure([]).code).toBe(DashboardErrorCode.CONFIG_INVALID);
  });
});

describe('loadDashboardConfig', () => {
  it('reads a file and resolves a relative store path against it', async () => {
    const dir = await tempDir();
    try {
      const file = join(dir.path, 'dashboard.json');
      await writeFile(file, JSON.stringify({ ...minimal(), store: { path: 'data/fleet.db' } }));
      const config = await loadDashboardConfig(file);
      expect(config.store.path).toBe(join(dir.path, 'data/fleet.db'));
    } finally {
      await dir.remove();
    }
  });

  it('reports a missing file and bad JSON with their codes', async () => {
    const dir = await tempDir();
    try {
      await expect(loadDashboardConfig(join(dir.path, 'nope.json'))).rejects.toMatchObject({
        code: DashboardErrorCode.CONFIG_READ,
      });
      const file = join(dir.path, 'bad.json');
      await writeFile(file, '{ "configVersion": 1,');
      await expect(loadDashboardConfig(file)).rejects.toMatchObject({ code: DashboardErrorCode.CONFIG_JSON });
    } finally {
      await dir.remove();
    }
  });
});
