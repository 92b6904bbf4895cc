import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBirth } from '../src/commands/birth.js';
import { birthTopic, parseBirth } from '../src/contract/commands.js';
import { EdgeErrorCode } from '../src/errors.js';
import { type Mosquitto, startMosquitto } from '../src/testing/mosquitto.js';
import {
  connectUnit,
  outcome,
  randomId,
  recordingContext,
  sleep,
  startRouter,
  TECH,
  TECH_PASSWORD,
  Technician,
  UNIT,
  UNIT_PASSWORD,
  unitConfig,
} from './support/commands-rig.js';

const OTHER = 'tri-cmd-02';
let broker: Mosquitto;
let tech: Technician;

beforeAll(async () => {
  broker = await startMosquitto({ [UNIT]: UNIT_PASSWORD, [OTHER]: UNIT_PASSWORD, [TECH]: TECH_PASSWORD }, TECH);
  tech = await Technician.connect(broker.url);
});

afterAll(async () => {
  await tech?.close();
  await broker?.stop();
});

describe('commands through Debian mosquitto with the fleet ACL', () => {
  it.each([4, 5] as const)('round-trips every command with its correlation id (unit on MQTT v%i)', async (version) => {
    const unit = await connectUnit(broker.url, version);
    const rig = recordingContext();
    const router = await startRouter(unit, rig.context);
    try {
      const requests: Array<[string, Record<string, unknown> | undefined]> = [
        ['get-status', undefined],
        ['run-diagnostics', undefined],
        ['capture-start', { port: '/dev/ttyUSB0' }],
        ['capture-stop', {}],
        ['config-get', { key: 'mqtt' }],
        ['config-set', { key: 'bms.baudRate', value: 19200 }],
        ['restart-subsystem', { name: 'bms' }],
      ];
      for (const [name, args] of requests) {
        const id = randomId();
        const reply = await tech.request(name, args, id);
        expect([name, reply.id, outcome(reply)]).toEqual([name, id, 'ok']);
      }
      expect(rig.calls).toEqual([
        'getStatus',
        'runDiagnostics',
        'startCapture /dev/ttyUSB0 -',
        'stopCapture',
        'getConfig mqtt',
        'setConfig bms.baudRate',
        'restart bms',
      ]);
      const refused = await tech.request('format-sd-card', {});
      expect(outcome(refused)).toBe(EdgeErrorCode.CMD_UNKNOWN);
      await tech.send('get-status', '{not json');
      expect(outcome(await tech.reply('get-status', null))).toBe(EdgeErrorCode.CMD_INVALID);
      expect(outcome(await tech.request('get-status'))).toBe('ok');
      expect(tech.violations).toEqual([]);
    } finally {
      router.stop();
      await unit.endAsync(true);
    }
  });

  // Mosquitto 2.0 grants a subscription to another unit's cmd/+ and filters at delivery, so the refused
  // SUBACK (EDG_CMD_SUBSCRIBE) is shown against aedes in commands-router.test.ts.
  it('a unit cannot command another unit: the broker drops it before the router sees it', async () => {
    const unit = await connectUnit(broker.url);
    const rig = recordingContext();
    const router = await startRouter(unit, rig.context);
    const intruder = await connectUnit(broker.url, 4, OTHER);
    try {
      const id = randomId();
      await intruder.publishAsync(`triporteur/v1/${UNIT}/cmd/restart-subsystem`, JSON.stringify({ v: 1, id }), {
        qos: 1,
      });
      await sleep(300);
      expect(rig.calls).toEqual([]);
      expect(tech.find('restart-subsystem', id)).toEqual([]);
    } finally {
      router.stop();
      await intruder.endAsync(true);
      await unit.endAsync(true);
    }
  });

  it('a late subscriber receives the retained birth, valid against the contract', async () => {
    const unit = await connectUnit(broker.url);
    const birth = buildBirth({
      bootId: 'boot-0001',
      config: unitConfig(),
      version: '0.1.0',
      bmsModel: 'JBD-SP04S034',
      firmware: { bms: '2.4' },
      now: 1_700_000_000_000,
    });
    await unit.publishAsync(birthTopic(UNIT), JSON.stringify(birth), { qos: 1, retain: true });
    await unit.endAsync();
    const late = await mqtt.connectAsync(broker.url, { username: TECH, password: TECH_PASSWORD, protocolVersion: 4 });
    try {
      const received = new Promise<Buffer>((resolve) => late.once('message', (_topic, payload) => resolve(payload)));
      await late.subscribeAsync(birthTopic(UNIT), { qos: 1 });
      const parsed = parseBirth(await received);
      expect(parsed.ok && parsed.value).toEqual(birth);
    } finally {
      await late.endAsync(true);
    }
  });
});
