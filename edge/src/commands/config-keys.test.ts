import { describe, expect, it } from 'vitest';
import { validateEdgeConfig } from '../config/load.js';
import { EdgeErrorCode, isEdgeError } from '../errors.js';
import { checkConfigValue, configKeyInfo, configValueAt, REDACTED, restartFor, withoutSecrets } from './config-keys.js';

const config = validateEdgeConfig({
  configVersion: 1,
  unitId: 'tri-lyon-01',
  bms: { type: 'jbd', path: '/dev/ttyUSB0' },
  mqtt: { url: 'mqtt://127.0.0.1:1883', username: 'tri-lyon-01', password: 's3cret' },
});

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (err) {
    return isEdgeError(err) ? err.code : 'not an EdgeError';
  }
  return undefined;
}

describe('config keys', () => {
  it.each([
    ['mqtt.url', 'uplink'],
    ['mqtt.password', 'uplink'],
    ['mqtt.keepaliveS', 'uplink'],
    ['bms.path', 'bms'],
    ['bms.baudRate', 'bms'],
    ['bms.pollIntervalMs', 'bms'],
    ['telemetry.batchIntervalMs', undefined],
  ])('%s restarts %s', (key, subsystem) => {
    expect(restartFor(key)).toBe(subsystem);
  });

  it('finds keys through the schema and nothing inherited', () => {
    expect(configKeyInfo('bms.baudRate')).toMatchObject({ section: false, writable: true });
    expect(configKeyInfo('mqtt')).toMatchObject({ section: true, writable: false });
    expect(configKeyInfo('unitId')).toMatchObject({ section: false, writable: false });
    expect(configKeyInfo('mqtt.caFile')).toMatchObject({ section: false, writable: true });
    for (const key of ['bms.colour', 'toString', 'mqtt.constructor', 'bms.path.length', '']) {
      expect(configKeyInfo(key)).toBeUndefined();
    }
  });

  it('checks values against the field schema', () => {
    expect(codeOf(() => checkConfigValue('bms.baudRate', 19200))).toBeUndefined();
    expect(codeOf(() => checkConfigValue('mqtt.caFile', '/etc/ssl/fleet.pem'))).toBeUndefined();
    expect(codeOf(() => checkConfigValue('bms.baudRate', 50))).toBe(EdgeErrorCode.CMD_INVALID);
    expect(codeOf(() => checkConfigValue('bms.type', 'daly'))).toBe(EdgeErrorCode.CMD_INVALID);
    expect(codeOf(() => checkConfigValue('mqtt.caFile', undefined))).toBe(EdgeErrorCode.CMD_INVALID);
  });

  it('reads values by dotted key, null when unset or unknown', () => {
    expect(configValueAt(config, 'bms.baudRate')).toBe(9600);
    expect(configValueAt(config, 'mqtt.caFile')).toBeNull();
    expect(configValueAt(config, 'bms.path.length')).toBeNull();
    expect(configValueAt(config, 'mqtt.toString')).toBeNull();
  });

  it('redacts secrets for display and removes them for hashing, without touching the config', () => {
    expect(withoutSecrets(config)).toMatchObject({ mqtt: { password: REDACTED, username: 'tri-lyon-01' } });
    expect(withoutSecrets(config.mqtt, 'mqtt')).toMatchObject({ password: REDACTED });
    expect(withoutSecrets('s3cret', 'mqtt.password')).toBe(REDACTED);
    expect(withoutSecrets(config, '', 'remove')).not.toHaveProperty('mqtt.password');
    expect(config.mqtt.password).toBe('s3cret');
  });
});
