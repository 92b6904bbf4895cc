import { beforeEach, describe, expect, it } from 'vitest';
import { REDACTED } from '../src/commands/config-keys.js';
import { EdgeErrorCode } from '../src/errors.js';
import {
  connectUnit,
  outcome,
  recordingContext,
  startRouter,
  UNIT,
  UNIT_PASSWORD,
  useRouterHarness,
} from './support/commands-rig.js';

const h = useRouterHarness(['tri-cmd-02']);
let rig: ReturnType<typeof recordingContext>;

beforeEach(async () => {
  rig = await h.serve();
});

describe('config-set over a real broker', () => {
  it.each([
    ['telemetry.batchIntervalMs', 60_000, { applied: true, restartRequired: false }],
    ['bms.pollIntervalMs', 2000, { applied: false, restartRequired: true, restart: 'bms' }],
    ['bms.path', '/dev/triporteur-bms', { applied: false, restartRequired: true, restart: 'bms' }],
    ['bms.baudRate', 19200, { applied: false, restartRequired: true, restart: 'bms' }],
    ['mqtt.keepaliveS', 120, { applied: false, restartRequired: true, restart: 'uplink' }],
    ['mqtt.url', 'mqtts://fleet.example.org:8883', { applied: false, restartRequired: true, restart: 'uplink' }],
    ['mqtt.password', 'n3w-secret', { applied: false, restartRequired: true, restart: 'uplink' }],
  ])('%s = %j says whether a restart is needed', async (key, value, expected) => {
    const reply = await h.tech.request('config-set', { key, value });
    expect(reply.ok && reply.result).toEqual({ key, ...expected });
    expect(rig.calls).toEqual([`setConfig ${key}`]);
  });

  it('keeps the flag even when the service claims it applied a connect option live', async () => {
    const optimistic = recordingContext({ setConfig: () => ({ applied: true, restartRequired: false }) });
    const other = await connectUnit(h.broker.url, 4, 'tri-cmd-02');
    try {
      await startRouter(other, optimistic.context, { unitId: 'tri-cmd-02' });
      await h.tech.send(
        'config-set',
        { v: 1, id: 'opt-1', args: { key: 'mqtt.keepaliveS', value: 90 } },
        {
          unitId: 'tri-cmd-02',
        },
      );
      const reply = await h.tech.reply('config-set', 'opt-1');
      expect(reply.ok && reply.result).toMatchObject({ applied: true, restartRequired: true, restart: 'uplink' });
    } finally {
      await other.endAsync(true);
    }
  });

  it.each([
    ['a string for an integer', 'bms.baudRate', 'fast', 'bms.baudRate'],
    ['a value below the minimum', 'telemetry.batchIntervalMs', 10, 'telemetry.batchIntervalMs'],
    ['a fraction for an integer', 'mqtt.keepaliveS', 60.5, 'mqtt.keepaliveS'],
    ['a URL with the wrong scheme', 'mqtt.url', 'http://fleet.example.org', 'mqtt.url'],
    ['an empty password', 'mqtt.password', '', 'mqtt.password'],
    ['null', 'bms.path', null, 'bms.path'],
    ['an unknown key', 'bms.colour', 'green', 'bms.colour'],
    ['an unknown section', 'wifi.ssid', 'x', 'wifi.ssid'],
    ['an inherited property name', 'mqtt.constructor', 'x', 'mqtt.constructor'],
    ['a whole section', 'mqtt', { url: 'mqtt://x' }, 'mqtt'],
    ['the unit id', 'unitId', 'tri-other-01', 'unitId'],
    ['the config version', 'configVersion', 1, 'configVersion'],
  ])('refuses %s with EDG_CMD_INVALID naming the field', async (_label, key, value, field) => {
    const reply = await h.tech.request('config-set', { key, value });
    expect(outcome(reply)).toBe(EdgeErrorCode.CMD_INVALID);
    expect(!reply.ok && reply.error.message).toContain(`"${field}"`);
    expect(rig.calls).toEqual([]);
  });

  it('refuses a request with no value, or a malformed key', async () => {
    expect(outcome(await h.tech.request('config-set', { key: 'bms.path' }))).toBe(EdgeErrorCode.CMD_INVALID);
    expect(outcome(await h.tech.request('config-set', { key: 'bms/path', value: 'x' }))).toBe(
      EdgeErrorCode.CMD_INVALID,
    );
    expect(outcome(await h.tech.request('config-set', { key: '__proto__.x', value: 1 }))).toBe(
      EdgeErrorCode.CMD_INVALID,
    );
    expect(rig.calls).toEqual([]);
  });

  it('a set value reads back through config-get', async () => {
    await h.tech.request('config-set', { key: 'bms.pollIntervalMs', value: 2500 });
    const reply = await h.tech.request('config-get', { key: 'bms.pollIntervalMs' });
    expect(reply.ok && reply.result).toEqual({ key: 'bms.pollIntervalMs', value: 2500 });
    expect(rig.config().bms.pollIntervalMs).toBe(2500);
  });
});

describe('config-get over a real broker', () => {
  it('never returns the MQTT password, alone or inside its section', async () => {
    const alone = await h.tech.request('config-get', { key: 'mqtt.password' });
    expect(alone.ok && alone.result).toEqual({ key: 'mqtt.password', value: REDACTED });
    const section = await h.tech.request('config-get', { key: 'mqtt' });
    expect(section.ok && section.result).toMatchObject({
      key: 'mqtt',
      value: { url: 'mqtt://127.0.0.1:1883', username: UNIT, password: REDACTED, keepaliveS: 330 },
    });
    expect(JSON.stringify(h.tech.replies)).not.toContain(UNIT_PASSWORD);
  });

  it('reads an unset optional key as null and refuses an unknown one', async () => {
    const unset = await h.tech.request('config-get', { key: 'mqtt.caFile' });
    expect(unset.ok && unset.result).toEqual({ key: 'mqtt.caFile', value: null });
    const unknown = await h.tech.request('config-get', { key: 'mqtt.token' });
    expect(outcome(unknown)).toBe(EdgeErrorCode.CMD_INVALID);
    expect(!unknown.ok && unknown.error.message).toContain('"mqtt.token"');
    expect(outcome(await h.tech.request('config-get', {}))).toBe(EdgeErrorCode.CMD_INVALID);
  });
});
