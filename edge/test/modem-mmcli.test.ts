import { describe, expect, it } from 'vitest';
import { type CommandResult, createExecFileRunner } from '../src/hotspot/system/command.js';
import { type RecordedCommand, RecordingRunner } from '../src/hotspot/system/recording-runner.js';
import { ModemErrorCode } from '../src/modem/errors.js';
import { parseBearer, parseModemList, parseModemStatus, parseSignal } from '../src/modem/mmcli-json.js';
import { createMmcliReader } from '../src/modem/mmcli-reader.js';
import { captureLogger } from './fixtures/capture-logger.js';
import * as mm from './fixtures/mmcli-outputs.js';

// No modem and no ModemManager here: mmcli's answers are the formats of fixtures/mmcli-outputs.ts.

type Answers = Partial<Record<'list' | 'modem' | 'setup' | 'signal' | 'bearer', CommandResult>>;

function mmcli(answers: Answers = {}) {
  return new RecordingRunner((command: RecordedCommand) => {
    const a = command.args;
    if (a[0] === '-L') return answers.list ?? mm.LIST_ONE;
    if (a[0] === '-b') return answers.bearer ?? mm.BEARER_CONNECTED;
    if (a.some((arg) => arg.startsWith('--signal-setup='))) return answers.setup ?? mm.SIGNAL_SETUP_OK;
    if (a.includes('--signal-get')) return answers.signal ?? mm.SIGNAL_LTE;
    return answers.modem ?? mm.MODEM_CONNECTED;
  });
}

const reader = (runner: RecordingRunner) =>
  createMmcliReader(runner, { logger: captureLogger().logger, signalRateS: 30 });

describe('mmcli JSON', () => {
  it('reads the modem list, and an empty one', () => {
    expect(parseModemList(mm.LIST_ONE.stdout)).toEqual([mm.MODEM_PATH]);
    expect(parseModemList(mm.LIST_NONE.stdout)).toEqual([]);
  });

  it('reads operator, technology, registration, signal quality and bearers from a connected modem', () => {
    expect(parseModemStatus(mm.MODEM_CONNECTED.stdout)).toEqual({
      state: 'connected',
      operator: 'Orange F',
      tech: 'lte',
      registration: 'home',
      registered: true,
      signalPct: 67,
      bearers: [mm.BEARER_PATH],
    });
  });

  it('leaves unknown ("--") fields out of a searching modem', () => {
    expect(parseModemStatus(mm.MODEM_SEARCHING.stdout)).toEqual({
      state: 'searching',
      registration: 'searching',
      registered: false,
      signalPct: 0,
      bearers: [],
    });
  });

  it('ranks technologies, counts roaming as registered, and strips control characters from the name', () => {
    expect(parseModemStatus(mm.MODEM_ROAMING_3G.stdout)).toMatchObject({
      operator: 'Orange BE',
      tech: 'hspa-plus',
      registered: true,
      signalPct: 38,
    });
  });

  it('reads LTE RSRP, RSRQ and SNR, and drops sentinel values', () => {
    expect(parseSignal(mm.SIGNAL_LTE.stdout)).toEqual({ rsrpDbm: -97, rsrqDb: -11, sinrDb: 9.4 });
    expect(parseSignal(mm.SIGNAL_SENTINELS.stdout)).toEqual({ rsrqDb: -11.5 });
  });

  it('reads bearer counters, preferring the totals across reconnections', () => {
    expect(parseBearer(mm.BEARER_CONNECTED.stdout)).toEqual({
      connected: true,
      bytesRx: 48_213_377,
      bytesTx: 5_120_044,
    });
    expect(parseBearer(mm.BEARER_CONNECTED_OLD.stdout)).toEqual({ connected: true, bytesRx: 1200, bytesTx: 800 });
    expect(parseBearer(mm.BEARER_DISCONNECTED.stdout)).toEqual({ connected: false });
  });

  it.each([
    ['truncated output', () => parseModemStatus(mm.TRUNCATED.stdout)],
    ['an empty answer', () => parseModemList('')],
    ['a list that is not a list', () => parseModemList('{"modem-list":"/org/freedesktop/ModemManager1/Modem/0"}')],
    ['the wrong top-level object', () => parseModemStatus(mm.BEARER_CONNECTED.stdout)],
    ['a modem with no generic section', () => parseModemStatus('{"modem":{"3gpp":{}}}')],
    ['signal output with no signal object', () => parseSignal('{"modem":{"signal":"--"}}')],
    ['a JSON array', () => parseBearer('[]')],
  ])('refuses %s with a coded error', (_name, parse) => {
    expect(parse).toThrow(expect.objectContaining({ code: ModemErrorCode.OUTPUT }));
  });

  it('treats a field of the wrong type as missing, not as a number', () => {
    const odd =
      '{"modem":{"generic":{"state":"connected","signal-quality":{"value":"high"},"access-technologies":"lte","bearers":"none"},"3gpp":{"registration-state":7}}}';
    expect(parseModemStatus(odd)).toEqual({ state: 'connected', bearers: [] });
  });
});

describe('createMmcliReader', () => {
  it('reads a connected modem in full, with the commands mmcli documents', async () => {
    const runner = mmcli();
    expect(await reader(runner).read()).toEqual({
      present: true,
      state: 'connected',
      operator: 'Orange F',
      tech: 'lte',
      registered: true,
      signalPct: 67,
      rsrpDbm: -97,
      rsrqDb: -11,
      sinrDb: 9.4,
      bytesRx: 48_213_377,
      bytesTx: 5_120_044,
    });
    expect(runner.lines()).toEqual([
      'mmcli -L -J',
      `mmcli -m ${mm.MODEM_PATH} -J`,
      `mmcli -m ${mm.MODEM_PATH} --signal-setup=30`,
      `mmcli -m ${mm.MODEM_PATH} --signal-get -J`,
      `mmcli -b ${mm.BEARER_PATH} -J`,
    ]);
  });

  it('sets up extended signal once per modem', async () => {
    const runner = mmcli();
    const r = reader(runner);
    await r.read();
    await r.read();
    expect(runner.lines().filter((line) => line.includes('--signal-setup'))).toHaveLength(1);
  });

  it('reads on without RSRP/RSRQ/SINR from a modem with no extended signal, and does not ask again', async () => {
    const runner = mmcli({ setup: mm.SIGNAL_UNSUPPORTED });
    const r = reader(runner);
    const reading = await r.read();
    expect(reading).toMatchObject({ present: true, registered: true, signalPct: 67 });
    expect(reading.rsrpDbm).toBeUndefined();
    await r.read();
    expect(runner.lines().filter((line) => line.includes('--signal'))).toHaveLength(1);
  });

  it('says "no modem, not registered" when ModemManager lists none', async () => {
    const runner = mmcli({ list: mm.LIST_NONE });
    expect(await reader(runner).read()).toEqual({ present: false, registered: false });
    expect(runner.calls).toHaveLength(1);
  });

  it('counts no data on a disconnected bearer', async () => {
    const reading = await reader(mmcli({ bearer: mm.BEARER_DISCONNECTED })).read();
    expect(reading.bytesRx).toBeUndefined();
    expect(reading.bytesTx).toBeUndefined();
  });

  it('fails with COMMAND_FAILED when ModemManager is not running or the modem left mid-read', async () => {
    await expect(reader(mmcli({ list: mm.MM_NOT_RUNNING })).read()).rejects.toMatchObject({
      code: ModemErrorCode.COMMAND_FAILED,
    });
    await expect(reader(mmcli({ modem: mm.MODEM_GONE })).read()).rejects.toMatchObject({
      code: ModemErrorCode.COMMAND_FAILED,
    });
  });

  it('fails with OUTPUT on a truncated answer', async () => {
    await expect(reader(mmcli({ modem: mm.TRUNCATED })).read()).rejects.toMatchObject({ code: ModemErrorCode.OUTPUT });
  });

  it('fails with TOOL_MISSING when mmcli is not installed (the real runner error for a missing program)', async () => {
    const missing = await createExecFileRunner()
      .run('/nonexistent/triporteur-test/mmcli', [])
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(missing).toBeInstanceOf(Error);
    const runner = new RecordingRunner(() => {
      throw missing;
    });
    await expect(reader(runner).read()).rejects.toMatchObject({ code: ModemErrorCode.TOOL_MISSING });
  });
});
