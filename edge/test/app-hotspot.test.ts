import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { validateEdgeConfig } from '../src/config/load.js';
import { QuestionnaireTally } from '../src/hotspot/portal/questionnaire.js';
import { RecordingRunner } from '../src/hotspot/system/index.js';
import { startTestBroker } from './support/aedes-broker.js';
import { recordingHost, startBmsRig, testConfig } from './support/rig.js';
import { observeTelemetry } from './support/telemetry-observer.js';
import { until } from './support/until.js';

const UNIT = 'tri-test-01';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const hotspotSection = {
  // 192.0.2.1 (TEST-NET-1) is on no interface here: the portal cannot bind, so the hotspot fails to start.
  residents: {
    interface: 'wlan0',
    ssid: 'Wifi social',
    address: '192.0.2.1',
    subnet: '192.0.2.0/24',
    dhcpRange: { start: '192.0.2.10', end: '192.0.2.200' },
  },
  uplink: { interfaces: ['eth0'] },
  // No radio to survey, and no hostapd.conf to write outside the test: hostapd is left alone.
  wifi: { survey: false },
  pages: { venue: { associationName: 'PIMMS Test', contact: 'contact@example.org' } },
};

describe('the edge with a hotspot section', () => {
  it('keeps sending telemetry when the hotspot cannot start, and says why in the log', async () => {
    const rig = await startBmsRig();
    cleanups.push(() => rig.close());
    const broker = await startTestBroker({ [UNIT]: 'unit-secret', observer: 'observer-secret' });
    cleanups.push(() => broker.close());
    const { records, close } = await observeTelemetry(broker.url, UNIT);
    cleanups.push(close);

    const base = testConfig({ bmsPath: rig.pty.b, url: broker.url });
    const config = validateEdgeConfig({ ...JSON.parse(JSON.stringify(base)), hotspot: hotspotSection });
    const lines: Array<{ msg?: string; module?: string }> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const host = { ...recordingHost(), logger };
    // nft answers "ok" to everything: the failure here is the portal's bind, after the ruleset applied.
    const runner = new RecordingRunner();
    const app = buildApp(host, config, { hotspotRunner: runner });
    cleanups.push(() => app.stop());
    await app.start();
    await until(() => records.some((r) => r.battery !== undefined), 'battery telemetry');
    expect(lines.some((l) => l.msg === 'hotspot not started')).toBe(true);
    expect(runner.calls.some((c) => c.file === 'nft')).toBe(true);
  });

  it('sends the hotspot counts as the hotspot record kind', async () => {
    const rig = await startBmsRig();
    cleanups.push(() => rig.close());
    const broker = await startTestBroker({ [UNIT]: 'unit-secret', observer: 'observer-secret' });
    cleanups.push(() => broker.close());
    const { records, close } = await observeTelemetry(broker.url, UNIT);
    cleanups.push(close);
    const counts = { kind: 'hotspot' as const, at: 0, sessionsNow: 3, sessionsToday: 7, distinctDevicesToday: 5 };
    const app = buildApp(recordingHost(), testConfig({ bmsPath: rig.pty.b, url: broker.url }), {
      hotspot: () => ({ ...counts, at: Date.now() }),
    });
    cleanups.push(() => app.stop());
    await app.start();
    await until(() => records.some((r) => r.hotspot !== undefined), 'hotspot counts');
    counts.sessionsNow = 4;
    await until(() => records.some((r) => r.hotspot?.sessionsNow === 4), 'a change of sessions');
    expect(records.find((r) => r.hotspot)?.hotspot).toMatchObject({ sessionsNow: 3, sessionsToday: 7, full: true });
  });

  it('sends today’s questionnaire counts in full first, then whole in a delta when one moves', async () => {
    const rig = await startBmsRig();
    cleanups.push(() => rig.close());
    const broker = await startTestBroker({ [UNIT]: 'unit-secret', observer: 'observer-secret' });
    cleanups.push(() => broker.close());
    const { records, close } = await observeTelemetry(broker.url, UNIT);
    cleanups.push(close);
    const tally = new QuestionnaireTally({ now: () => Date.now() });
    const counts = { kind: 'hotspot' as const, sessionsNow: 1, sessionsToday: 1, distinctDevicesToday: 1 };
    const app = buildApp(recordingHost(), testConfig({ bmsPath: rig.pty.b, url: broker.url }), {
      hotspot: () => ({ ...counts, at: Date.now(), questionnaireToday: tally.totals() }),
    });
    cleanups.push(() => app.stop());
    await app.start();
    await until(() => records.some((r) => r.hotspot !== undefined), 'hotspot counts');
    expect(records.find((r) => r.hotspot)?.hotspot).toMatchObject({ full: true, questionnaireToday: { responses: 0 } });
    tally.record({ reason: 'job', autonomy: 'help' });
    await until(() => records.some((r) => r.hotspot?.questionnaireToday?.responses === 1), 'the new answer');
    const delta = records.find((r) => r.hotspot?.questionnaireToday?.responses === 1);
    expect(delta?.hotspot).toEqual({ questionnaireToday: tally.totals() });
    expect(records.filter((r) => r.hotspot !== undefined)).toHaveLength(2);
  });
});
