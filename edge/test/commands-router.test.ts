import { describe, expect, it } from 'vitest';
import { MAX_COMMAND_BYTES } from '../src/contract/commands.js';
import { EdgeErrorCode } from '../src/errors.js';
import { outcome, randomId, UNIT, until, useRouterHarness } from './support/commands-rig.js';

const h = useRouterHarness();

describe('command router over aedes: every command round-trips with its correlation id', () => {
  it.each([
    ['get-status', undefined, { unitId: UNIT, bms: 'connected', pendingRecords: 2, uptimeS: 12 }, 'getStatus'],
    ['run-diagnostics', {}, { ok: false, checks: [{ name: 'bms', ok: true }, expect.anything()] }, 'runDiagnostics'],
    [
      'capture-start',
      { port: '/dev/ttyUSB0', seconds: 30 },
      { file: 'capture-20240101-bms.txt', bytes: 0 },
      'startCapture /dev/ttyUSB0 30',
    ],
    ['config-get', { key: 'bms.baudRate' }, { key: 'bms.baudRate', value: 9600 }, 'getConfig bms.baudRate'],
    [
      'config-set',
      { key: 'telemetry.batchIntervalMs', value: 30_000 },
      { applied: true, restartRequired: false },
      'setConfig telemetry.batchIntervalMs',
    ],
    ['restart-subsystem', { name: 'bms' }, { name: 'bms', deferred: false }, 'restart bms'],
  ])('%s', async (name, args, result, call) => {
    const { calls } = await h.serve();
    const id = randomId();
    const reply = await h.tech.request(name, args, id);
    expect(reply).toMatchObject({ v: 1, id, ok: true, result });
    expect(calls).toEqual([call]);
  });

  it('capture-stop returns the file and its size after capture-start', async () => {
    await h.serve();
    expect(outcome(await h.tech.request('capture-stop'))).toBe(EdgeErrorCode.CMD_FAILED);
    expect(outcome(await h.tech.request('capture-start', { port: '/dev/ttyUSB0' }))).toBe('ok');
    const stop = await h.tech.request('capture-stop');
    expect(stop.ok && stop.result).toEqual({ file: 'capture-20240101-bms.txt', bytes: 1234 });
  });

  it('restarts the uplink only after its reply has gone out', async () => {
    const { calls } = await h.serve();
    const reply = await h.tech.request('restart-subsystem', { name: 'uplink' });
    expect(reply.ok && reply.result).toEqual({ name: 'uplink', deferred: true });
    await until(() => calls.length === 1, 'the deferred restart');
    expect(calls).toEqual(['restart uplink']);
  });
});

describe('command router: refusals are answered and the router keeps serving', () => {
  const id = 'req-bad-1';
  it.each([
    ['an unknown command', 'self-destruct', { v: 1, id }, EdgeErrorCode.CMD_UNKNOWN, id],
    ['malformed JSON', 'get-status', '{"v":1,"id":', EdgeErrorCode.CMD_INVALID, null],
    ['non-UTF-8 bytes', 'get-status', new Uint8Array([0xff, 0xfe, 0x00, 0x7b]), EdgeErrorCode.CMD_INVALID, null],
    ['JSON null', 'get-status', 'null', EdgeErrorCode.CMD_INVALID, null],
    ['a JSON array', 'get-status', '[1,2]', EdgeErrorCode.CMD_INVALID, null],
    ['a wrong version', 'get-status', { v: 2, id }, EdgeErrorCode.CMD_INVALID, id],
    ['an extra field', 'get-status', { v: 1, id, mac: 'aa:bb' }, EdgeErrorCode.CMD_INVALID, id],
    ['a missing id', 'get-status', { v: 1 }, EdgeErrorCode.CMD_INVALID, null],
    ['an empty id', 'get-status', { v: 1, id: '' }, EdgeErrorCode.CMD_INVALID, null],
    ['a 65-character id', 'get-status', { v: 1, id: 'x'.repeat(65) }, EdgeErrorCode.CMD_INVALID, null],
    ['a numeric id', 'get-status', { v: 1, id: 7 }, EdgeErrorCode.CMD_INVALID, null],
    ['args that are not an object', 'get-status', { v: 1, id, args: [1] }, EdgeErrorCode.CMD_INVALID, id],
    [
      'args for a command that takes none',
      'get-status',
      { v: 1, id, args: { all: true } },
      EdgeErrorCode.CMD_INVALID,
      id,
    ],
    ['a port that is not a string', 'capture-start', { v: 1, id, args: { port: 42 } }, EdgeErrorCode.CMD_INVALID, id],
    [
      'a capture of ten hours',
      'capture-start',
      { v: 1, id, args: { port: 'a', seconds: 36_000 } },
      EdgeErrorCode.CMD_INVALID,
      id,
    ],
    ['an unknown subsystem', 'restart-subsystem', { v: 1, id, args: { name: 'wifi' } }, EdgeErrorCode.CMD_INVALID, id],
    [
      'an oversized payload',
      'get-status',
      JSON.stringify({ v: 1, id, pad: 'x'.repeat(MAX_COMMAND_BYTES) }),
      EdgeErrorCode.CMD_TOO_LARGE,
      null,
    ],
  ])('%s', async (_label, name, payload, code, replyId) => {
    const { calls } = await h.serve();
    await h.tech.send(name, payload);
    const reply = await h.tech.reply(name, replyId);
    expect(outcome(reply)).toBe(code);
    expect(calls).toEqual([]);
    // Still serving, and nothing else was answered in between.
    expect(outcome(await h.tech.request('get-status'))).toBe('ok');
    expect(h.tech.replies).toHaveLength(2);
  });

  it('answers a burst of random bytes on every command topic and keeps serving', async () => {
    const { calls } = await h.serve();
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    const names = ['get-status', 'config-set', 'x', 'capture-start', '💥'];
    for (let i = 0; i < 60; i++) {
      const bytes = Uint8Array.from({ length: next() % 200 }, () => next() % 256);
      await h.tech.send(names[i % names.length] ?? 'x', bytes);
    }
    await until(() => h.tech.replies.length === 60, 'sixty replies');
    expect(new Set(h.tech.replies.map((r) => outcome(r.reply)))).toEqual(new Set([EdgeErrorCode.CMD_INVALID]));
    expect(outcome(await h.tech.request('get-status'))).toBe('ok');
    expect(calls).toEqual(['getStatus']);
  });

  it('names the offending argument', async () => {
    await h.serve();
    const reply = await h.tech.request('capture-start', { port: 42 });
    expect(!reply.ok && reply.error.message).toContain('args/port');
  });

  it('refuses a retained command instead of running it at every connect', async () => {
    const id = randomId();
    await h.tech.send('restart-subsystem', { v: 1, id, args: { name: 'bms' } }, { retain: true });
    const { calls } = await h.serve();
    expect(outcome(await h.tech.reply('restart-subsystem', id))).toBe(EdgeErrorCode.CMD_RETAINED);
    expect(calls).toEqual([]);
  });

  it('ignores topics that are not its own commands on a shared client', async () => {
    const { calls } = await h.serve();
    await h.unit.subscribeAsync('triporteur/v1/other/#', { qos: 1 });
    await h.tech.client.publishAsync('triporteur/v1/other/cmd/get-status', JSON.stringify({ v: 1, id: 'x' }), {
      qos: 1,
    });
    expect(outcome(await h.tech.request('get-status'))).toBe('ok');
    expect(h.tech.find('get-status', 'x')).toEqual([]);
    expect(calls).toEqual(['getStatus']);
  });
});
