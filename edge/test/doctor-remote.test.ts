import { Value } from '@sinclair/typebox/value';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { CommandResultSchemas, cmdTopic, parseCommandReply } from '../src/contract/commands.js';
import { DoctorCode } from '../src/doctor/codes.js';
import { toDiagnostics } from '../src/doctor/remote.js';
import type { DoctorReport } from '../src/doctor/runner.js';
import { startTestBroker } from './support/aedes-broker.js';
import { recordingHost, startBmsRig, testConfig } from './support/rig.js';
import { until } from './support/until.js';

const UNIT = 'tri-test-01';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Check = { name: string; ok: boolean; status?: string; code?: string; detail?: string; fix?: string };

/** The real edge app on a BMS pseudo-terminal and an aedes broker, and a technician asking for diagnostics. */
async function diagnose() {
  const rig = await startBmsRig();
  cleanups.push(() => rig.close());
  const broker = await startTestBroker({ [UNIT]: 'unit-secret', tech: 'tech-secret' });
  cleanups.push(() => broker.close());
  const app = buildApp(recordingHost(), testConfig({ bmsPath: rig.pty.b, url: broker.url }), { version: '9.9.9' });
  cleanups.push(() => app.stop());
  await app.start();
  const tech: MqttClient = await mqtt.connectAsync(broker.url, { username: 'tech', password: 'tech-secret' });
  cleanups.push(() => tech.endAsync(true));
  const replies = new Map<string, { ok: boolean; result?: unknown }>();
  tech.on('message', (_topic, payload) => {
    const reply = parseCommandReply(payload);
    if (reply.ok && reply.value.id !== null) replies.set(reply.value.id, reply.value);
  });
  await tech.subscribeAsync(`triporteur/v1/${UNIT}/reply/+`, { qos: 1 });
  await until(() => app.status().uplink === 'online', 'online');
  let n = 0;
  const ask = async () => {
    const id = `diag-${++n}`;
    await tech.publishAsync(cmdTopic(UNIT, 'run-diagnostics'), JSON.stringify({ v: 1, id }), { qos: 1 });
    await until(() => replies.has(id), `reply ${id}`, 30_000);
    const reply = replies.get(id);
    expect(reply?.ok).toBe(true);
    expect(Value.Check(CommandResultSchemas['run-diagnostics'], reply?.result)).toBe(true);
    return reply?.result as { ok: boolean; checks: Check[] };
  };
  return { app, rig, ask };
}

describe('run-diagnostics answers with the doctor report, from the live service', () => {
  it("reports the service's own BMS link, broker session and outbox, with status, code and fix", async () => {
    const { app, ask } = await diagnose();
    await until(() => app.status().bms === 'connected', 'BMS connected');
    const result = await ask();
    const byName = new Map(result.checks.map((check) => [check.name, check]));
    expect(byName.get('serial-bms')).toMatchObject({ ok: true, status: 'pass', code: DoctorCode.OK });
    expect(byName.get('broker')).toMatchObject({ ok: true, status: 'pass', code: DoctorCode.OK });
    expect(byName.get('broker')?.detail).toContain('session du service');
    expect(byName.get('outbox')).toMatchObject({ ok: true, status: 'pass' });
    expect(byName.get('nft-ruleset')).toMatchObject({ ok: true, code: DoctorCode.NOT_CONFIGURED });
    // Warnings (the clock, on a machine without NTP) never make the unit "not ok".
    expect(result.ok).toBe(result.checks.every((check) => check.status !== 'fail'));
    for (const check of result.checks) {
      expect(check.ok).toBe(check.status !== 'fail');
      if (check.status !== 'pass') expect(check.fix).toBeTruthy();
    }
  }, 60_000);

  it('says the BMS is missing once its adapter is unplugged', async () => {
    const { app, rig, ask } = await diagnose();
    await until(() => app.status().bms === 'connected', 'BMS connected');
    await rig.close();
    await until(() => app.status().devices[0]?.port === 'unplugged', 'BMS port gone', 20_000);
    const result = await ask();
    expect(result.ok).toBe(false);
    expect(result.checks.find((check) => check.name === 'serial-bms')).toMatchObject({
      ok: false,
      status: 'fail',
      code: DoctorCode.SERIAL_MISSING,
    });
  }, 60_000);
});

describe('toDiagnostics', () => {
  it('keeps name/ok/detail for older dashboards and adds status, code, title and fix within the limits', () => {
    const report: DoctorReport = {
      ok: true,
      checks: [
        {
          id: 'disk',
          title: 'Espace libre',
          status: 'warn',
          code: DoctorCode.DISK_LOW,
          detail: 'x'.repeat(1500),
          fix: 'faire de la place',
        },
        { id: 'broker', title: 'Broker', status: 'pass', code: DoctorCode.OK, detail: 'connecté' },
      ],
    };
    const result = toDiagnostics(report);
    expect(Value.Check(CommandResultSchemas['run-diagnostics'], result)).toBe(true);
    expect(result.checks[0]).toMatchObject({
      name: 'disk',
      ok: true,
      status: 'warn',
      code: 'DOC_DISK_LOW',
      fix: 'faire de la place',
    });
    expect(result.checks[0]?.detail).toHaveLength(1000);
    expect(result.checks[1]).not.toHaveProperty('fix');
  });
});
