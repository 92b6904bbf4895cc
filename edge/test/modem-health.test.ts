import { Value } from '@sinclair/typebox/value';
import { ManualClock } from '@triporteur/firmware-bridge';
import { describe, expect, it } from 'vitest';
import { UplinkUpdateSchema } from '../src/contract/records.js';
import type { CommandResult } from '../src/hotspot/system/command.js';
import { RecordingRunner } from '../src/hotspot/system/recording-runner.js';
import { ModemErrorCode } from '../src/modem/errors.js';
import { ModemHealthPoller } from '../src/modem/health-poller.js';
import { createMmcliReader } from '../src/modem/mmcli-reader.js';
import { captureLogger } from './fixtures/capture-logger.js';
import * as mm from './fixtures/mmcli-outputs.js';

// mmcli answers from fixtures/mmcli-outputs.ts (ModemManager's documented JSON), through the recording runner.

const MINUTE = 60_000;
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A poller whose modem answers can be swapped: `modem` for `mmcli -m … -J`, `list` for `mmcli -L -J`. */
function rig() {
  const clock = new ManualClock();
  const log = captureLogger();
  const answers: { list: CommandResult; modem: CommandResult } = { list: mm.LIST_ONE, modem: mm.MODEM_CONNECTED };
  const runner = new RecordingRunner(mm.connectedModem(answers));
  const poller = new ModemHealthPoller({
    reader: createMmcliReader(runner, { logger: log.logger }),
    clock,
    logger: log.logger,
    intervalMs: MINUTE,
    staleAfterMs: 5 * MINUTE,
  });
  return { clock, log, answers, runner, poller };
}

const CONNECTED = {
  signalPct: 67,
  rsrpDbm: -97,
  rsrqDb: -11,
  sinrDb: 9.4,
  operator: 'Orange F',
  tech: 'lte',
  registered: true,
  modemBytesRx: 48_213_377,
  modemBytesTx: 5_120_044,
};

describe('ModemHealthPoller', () => {
  it('gives the uplink fields of a connected modem, valid in a full uplink record', async () => {
    const { poller } = rig();
    expect(poller.aggregate()).toEqual({});
    await poller.pollOnce();
    expect(poller.aggregate()).toEqual(CONNECTED);
    const record = { bytesSent: 0, bytesReceived: 0, reconnects: 0, outboxDepth: 0, ...poller.aggregate(), full: true };
    expect(Value.Check(UplinkUpdateSchema, record)).toBe(true);
  });

  it('keeps the last good reading through garbage, warning once per kind of failure', async () => {
    const { poller, answers, log, clock } = rig();
    await poller.pollOnce();
    answers.modem = mm.TRUNCATED;
    clock.advance(MINUTE);
    await poller.pollOnce();
    clock.advance(MINUTE);
    await poller.pollOnce();
    expect(poller.lastErrorCode).toBe(ModemErrorCode.OUTPUT);
    expect(poller.aggregate()).toEqual(CONNECTED);
    const warnings = log.lines.filter((line) => line.event === 'modem-read-failed');
    expect(warnings).toEqual([expect.objectContaining({ level: 40, code: ModemErrorCode.OUTPUT })]);
  });

  it('drops a reading once it is stale, rather than report an old signal', async () => {
    const { poller, answers, clock } = rig();
    await poller.pollOnce();
    answers.list = mm.MM_NOT_RUNNING;
    clock.advance(5 * MINUTE);
    await poller.pollOnce();
    expect(poller.aggregate()).toEqual(CONNECTED);
    clock.advance(1);
    expect(poller.aggregate()).toEqual({});
    expect(poller.lastErrorCode).toBe(ModemErrorCode.COMMAND_FAILED);
  });

  it('reports "not registered" when the modem is gone, and logs the change', async () => {
    const { poller, answers, log } = rig();
    await poller.pollOnce();
    answers.list = mm.LIST_NONE;
    await poller.pollOnce();
    expect(poller.aggregate()).toEqual({ registered: false });
    const changes = log.lines.filter((line) => line.event === 'modem-registration');
    expect(changes.map((line) => [line.present, line.registered])).toEqual([
      [true, true],
      [false, false],
    ]);
  });

  it('clears the error and says so when the modem reads again', async () => {
    const { poller, answers, log } = rig();
    answers.modem = mm.MODEM_GONE;
    await poller.pollOnce();
    expect(poller.lastErrorCode).toBe(ModemErrorCode.COMMAND_FAILED);
    answers.modem = mm.MODEM_CONNECTED;
    await poller.pollOnce();
    expect(poller.lastErrorCode).toBeUndefined();
    expect(log.lines).toContainEqual(expect.objectContaining({ event: 'modem-read-ok' }));
  });

  it('polls at start and then once per interval on its clock, and stops cleanly', async () => {
    const { poller, runner, clock } = rig();
    poller.start();
    clock.advance(0);
    await flush();
    const perRead = runner.calls.length;
    expect(perRead).toBe(5);
    clock.advance(MINUTE - 1);
    await flush();
    expect(runner.calls).toHaveLength(perRead);
    clock.advance(1);
    await flush();
    // The second read skips --signal-setup: four commands.
    expect(runner.calls).toHaveLength(perRead + 4);
    await poller.stop();
    expect(clock.pendingTimers).toBe(0);
  });
});
