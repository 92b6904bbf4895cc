import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { validateEdgeConfig } from '../src/config/load.js';
import { decodeBatch } from '../src/contract/encoding.js';
import { applyRecord, type ReconstructedState, type TelemetryBatchV2 } from '../src/contract/records.js';
import { unitTopic } from '../src/contract/topics.js';
import { RecordingRunner } from '../src/hotspot/system/recording-runner.js';
import * as mm from './fixtures/mmcli-outputs.js';
import { startTestBroker } from './support/aedes-broker.js';
import { recordingHost, startBmsRig, testConfig } from './support/rig.js';
import { until } from './support/until.js';

// The edge app with a `modem` section: mmcli answers from ModemManager's documented JSON (fixtures),
// through the recording runner (no modem on this machine); telemetry goes over a real broker.

const UNIT = 'tri-test-01';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('edge app: 4G health in the uplink telemetry', () => {
  it('publishes the modem’s signal, operator, registration and byte counts', async () => {
    const rig = await startBmsRig();
    cleanups.push(() => rig.close());
    const broker = await startTestBroker({ [UNIT]: 'unit-secret', observer: 'observer-secret' });
    cleanups.push(() => broker.close());
    const client = await mqtt.connectAsync(broker.url, {
      username: 'observer',
      password: 'observer-secret',
      protocolVersion: 4,
    });
    cleanups.push(() => client.endAsync(true));
    const batches: TelemetryBatchV2[] = [];
    client.on('message', (_topic, payload) => {
      const parsed = decodeBatch(payload);
      if (parsed.ok && parsed.value.v === 2) batches.push(parsed.value);
    });
    await client.subscribeAsync(unitTopic(UNIT, 'telemetry'), { qos: 1 });

    const base = testConfig({ bmsPath: rig.pty.b, url: broker.url });
    const config = validateEdgeConfig({ ...structuredClone(base), modem: { pollIntervalS: 10 } });
    const runner = new RecordingRunner(mm.connectedModem());
    const app = buildApp(recordingHost(), config, { modemRunner: runner });
    cleanups.push(() => app.stop());
    await app.start();

    const uplink = () =>
      batches.flatMap((b) => b.records).reduce<ReconstructedState>((state, record) => applyRecord(state, record), {})
        .uplink?.values;
    await until(() => uplink()?.rsrpDbm !== undefined, 'the modem figures in telemetry');
    expect(uplink()).toMatchObject({ rsrpDbm: -97, rsrqDb: -11, operator: 'Orange F', tech: 'lte', registered: true });
    expect(runner.lines()).toContain('mmcli -L -J');
  });
});
