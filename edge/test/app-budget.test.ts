import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { applyRecord, type ReconstructedState } from '../src/contract/records.js';
import { startTestBroker } from './support/aedes-broker.js';
import { recordingHost, startBmsRig, testConfig } from './support/rig.js';
import { observeTelemetry } from './support/telemetry-observer.js';
import { until } from './support/until.js';

const UNIT = 'tri-test-01';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the data budget in the running edge', () => {
  it('counts the socket bytes, stretches routine batches when over the cap, and still sends an alarm at once', async () => {
    const rig = await startBmsRig();
    cleanups.push(() => rig.close());
    const broker = await startTestBroker({ [UNIT]: 'unit-secret', observer: 'observer-secret' });
    cleanups.push(() => broker.close());
    const { batches, close } = await observeTelemetry(broker.url, UNIT);
    cleanups.push(close);

    // A cap of one byte: spent by the first CONNECT, so the budget asks for the largest stretch.
    const config = testConfig({
      bmsPath: rig.pty.b,
      url: broker.url,
      telemetry: { budget: { monthlyCapBytes: 1, maxStretch: 8 } },
    });
    const app = buildApp(recordingHost(), config);
    cleanups.push(() => app.stop());
    await app.start();
    await until(() => app.status().uplinkBytes.stretch === 8 && batches.length >= 2, 'stretched batches');
    const status = app.status().uplinkBytes;
    expect(status.sent).toBeGreaterThan(0);
    expect(status.received).toBeGreaterThan(0);
    expect(status.monthBytes).toBeGreaterThan(0);
    expect(status.monthBytes).toBeLessThanOrEqual(status.sent + status.received);
    expect(status.capBytes).toBe(1);

    // A stretched batch holds about 8 ticks of records; an alarm does not wait for it.
    rig.simulator.protection = ['cellOverVoltage'];
    await until(() => batches.flat().some((r) => r.battery?.protection?.includes('cellOverVoltage')), 'the alarm');
    const alarmBatch = batches.find((b) => b.some((r) => r.battery?.protection?.includes('cellOverVoltage')));
    // Flushed the tick the alarm was recorded: it closes its batch.
    expect(alarmBatch?.at(-1)?.battery?.protection).toContain('cellOverVoltage');

    await app.stop();
    const state = batches.flat().reduce<ReconstructedState>((s, r) => applyRecord(s, r), {});
    expect(state.uplink?.values.stretch).toBe(8);
    // The month so far survives a restart.
    const saved = join(dirname(config.outbox.path), 'budget.json');
    expect(existsSync(saved)).toBe(true);
    const spent = JSON.parse(readFileSync(saved, 'utf8')) as { sentBytes: number; receivedBytes: number };
    expect(spent.sentBytes + spent.receivedBytes).toBeGreaterThanOrEqual(status.monthBytes);
    const again = buildApp(recordingHost(), config);
    cleanups.push(() => again.stop());
    await again.start();
    expect(again.status().uplinkBytes.monthBytes).toBe(spent.sentBytes + spent.receivedBytes);
  });
});
