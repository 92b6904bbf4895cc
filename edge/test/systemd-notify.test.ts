import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ManualClock } from '@triporteur/firmware-bridge';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createExecFileRunner } from '../src/hotspot/system/command.js';
import { type CommandResponder, OK, RecordingRunner } from '../src/hotspot/system/recording-runner.js';
import { createSystemdNotifier, outboxAnswers, readNotifyEnv, SystemdErrorCode } from '../src/systemd/index.js';
import { Outbox } from '../src/uplink/outbox.js';

// The edge's side of Type=notify and WatchdogSec= (edge/src/systemd/). The schedule is driven by a manual
// clock and a recording runner; the last block sends through the real systemd-notify to a real AF_UNIX
// datagram socket. Not tested here: systemd itself receiving them (no systemd runs as PID 1 in this sandbox).

const SOCKET = '/run/systemd/notify';
const WATCHDOG = { NOTIFY_SOCKET: SOCKET, WATCHDOG_USEC: '60000000' };

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function rig(options: { env?: NodeJS.ProcessEnv; responder?: CommandResponder; probe?: () => string | null } = {}) {
  const clock = new ManualClock();
  let stall = 0;
  const runner = new RecordingRunner(options.responder);
  const logs: Array<{ level: number; msg: string; code?: string }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const notifier = createSystemdNotifier({
    logger,
    env: options.env ?? WATCHDOG,
    pid: 4242,
    runner,
    clock,
    monotonic: () => clock.now() + stall,
    ...(options.probe ? { health: [options.probe] } : {}),
  });
  /** Moves time on as a blocked event loop would: the next timer fires `ms` late. */
  const stallLoop = (ms: number) => {
    stall += ms;
  };
  const sent = () => runner.lines().map((line) => line.replace(`env NOTIFY_SOCKET=${SOCKET} systemd-notify `, ''));
  return { clock, runner, notifier, logs, sent, stallLoop };
}

/** Lets the runner's promise chains settle (the recording runner answers at once). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the environment systemd gives the service', () => {
  it('pings at half of WATCHDOG_USEC, only for the process WATCHDOG_PID names', () => {
    expect(readNotifyEnv(WATCHDOG, 1)).toEqual({ socket: SOCKET, pingEveryMs: 30_000 });
    expect(readNotifyEnv({ ...WATCHDOG, WATCHDOG_PID: '77' }, 77).pingEveryMs).toBe(30_000);
    expect(readNotifyEnv({ ...WATCHDOG, WATCHDOG_PID: '78' }, 77)).toEqual({ socket: SOCKET, pingEveryMs: null });
    expect(readNotifyEnv({ NOTIFY_SOCKET: SOCKET }, 1)).toEqual({ socket: SOCKET, pingEveryMs: null });
    expect(readNotifyEnv({ WATCHDOG_USEC: '60000000' }, 1)).toEqual({ socket: null, pingEveryMs: null });
    expect(readNotifyEnv({ NOTIFY_SOCKET: '' }, 1).socket).toBeNull();
  });

  it('refuses a malformed WATCHDOG_USEC or WATCHDOG_PID with a code, and turns the watchdog off', () => {
    for (const env of [
      { ...WATCHDOG, WATCHDOG_USEC: '60s' },
      { ...WATCHDOG, WATCHDOG_USEC: '0' },
      { ...WATCHDOG, WATCHDOG_USEC: '-5' },
      { ...WATCHDOG, WATCHDOG_PID: 'self' },
    ]) {
      const read = readNotifyEnv(env, 1);
      expect(read.pingEveryMs).toBeNull();
      expect(read.problem?.code).toBe(SystemdErrorCode.NOTIFY_ENV);
    }
  });
});

describe('READY=1 and the watchdog schedule', () => {
  it('does nothing at all when systemd is not listening', async () => {
    const { notifier, runner, clock } = rig({ env: {} });
    await notifier.ready();
    clock.advance(600_000);
    await notifier.stopping();
    expect(notifier.enabled).toBe(false);
    expect(runner.calls).toEqual([]);
  });

  it('sends READY=1 once started, then WATCHDOG=1 every half period, then STOPPING=1', async () => {
    const { notifier, clock, sent, runner } = rig();
    clock.advance(90_000);
    expect(runner.calls).toEqual([]);
    await notifier.ready();
    expect(runner.calls[0]).toEqual({
      file: 'env',
      args: [`NOTIFY_SOCKET=${SOCKET}`, 'systemd-notify', 'READY=1'],
    });
    for (let i = 0; i < 3; i++) {
      clock.advance(30_000);
      await settle();
    }
    await notifier.stopping();
    clock.advance(120_000);
    await settle();
    expect(sent()).toEqual(['READY=1', 'WATCHDOG=1', 'WATCHDOG=1', 'WATCHDOG=1', 'STOPPING=1']);
  });

  it('without WatchdogSec, sends READY=1 and STOPPING=1 only', async () => {
    const { notifier, clock, sent } = rig({ env: { NOTIFY_SOCKET: SOCKET } });
    await notifier.ready();
    clock.advance(600_000);
    await notifier.stopping();
    expect(sent()).toEqual(['READY=1', 'STOPPING=1']);
  });

  it('withholds the ping while a health probe fails, and logs the reason once', async () => {
    let reason: string | null = null;
    const { notifier, clock, sent, logs } = rig({ probe: () => reason });
    await notifier.ready();
    clock.advance(30_000);
    await settle();
    reason = 'the outbox does not answer (EDG_OUTBOX_IO)';
    clock.advance(30_000);
    clock.advance(30_000);
    await settle();
    reason = null;
    clock.advance(30_000);
    await settle();
    expect(sent()).toEqual(['READY=1', 'WATCHDOG=1', 'WATCHDOG=1']);
    const withheld = logs.filter((l) => l.msg.startsWith('watchdog not fed'));
    expect(withheld.map((l) => l.msg)).toEqual(['watchdog not fed: the outbox does not answer (EDG_OUTBOX_IO)']);
    expect(logs.some((l) => l.msg === 'watchdog fed again')).toBe(true);
  });

  it('counts a probe that throws as unhealthy', async () => {
    const { notifier, clock, sent } = rig({
      probe: () => {
        throw new Error('boom');
      },
    });
    await notifier.ready();
    clock.advance(30_000);
    await settle();
    expect(sent()).toEqual(['READY=1']);
  });

  it('withholds the ping after the event loop stalled longer than a period', async () => {
    const { notifier, clock, sent, stallLoop, logs } = rig();
    await notifier.ready();
    stallLoop(31_000);
    clock.advance(30_000);
    await settle();
    // Back on time: fed again.
    clock.advance(30_000);
    await settle();
    expect(sent()).toEqual(['READY=1', 'WATCHDOG=1']);
    expect(logs.some((l) => l.msg === 'watchdog not fed: event loop stalled 31000 ms')).toBe(true);
  });

  it('never runs two systemd-notify at once: a manager slow to answer is not piled on', async () => {
    let release: (() => void) | undefined;
    const { notifier, clock, sent } = rig({
      responder: (command) =>
        command.args.includes('WATCHDOG=1') && release === undefined
          ? new Promise((resolve) => {
              release = () => resolve(OK);
            })
          : OK,
    });
    await notifier.ready();
    clock.advance(30_000);
    clock.advance(30_000);
    clock.advance(30_000);
    await settle();
    expect(sent()).toEqual(['READY=1', 'WATCHDOG=1']);
    release?.();
    await settle();
    clock.advance(30_000);
    await settle();
    expect(sent()).toEqual(['READY=1', 'WATCHDOG=1', 'WATCHDOG=1']);
  });

  it('logs a failed send with its code once, carries on, and says when it works again', async () => {
    let code = 1;
    const { notifier, clock, sent, logs } = rig({
      responder: () => ({ stdout: '', stderr: 'Failed to notify init system: Connection refused', code }),
    });
    await notifier.ready();
    clock.advance(30_000);
    await settle();
    code = 0;
    clock.advance(30_000);
    await settle();
    expect(sent()).toEqual(['READY=1', 'WATCHDOG=1', 'WATCHDOG=1']);
    const failures = logs.filter((l) => l.code === SystemdErrorCode.NOTIFY_SEND);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.msg).toContain('Connection refused');
    expect(logs.some((l) => l.msg === 'systemd-notify works again')).toBe(true);
  });

  it('survives a missing systemd-notify binary (a coded warning, no throw)', async () => {
    const logs: Array<{ code?: string; msg: string }> = [];
    const notifier = createSystemdNotifier({
      logger: pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) }),
      env: WATCHDOG,
      // PATH with no systemd-notify in it: env exits 127.
      runner: {
        run: (_file, args) => createExecFileRunner().run('/usr/bin/env', ['PATH=/nonexistent', ...args]),
      },
      clock: new ManualClock(),
    });
    await notifier.ready();
    await notifier.stopping();
    expect(logs.filter((l) => l.code === SystemdErrorCode.NOTIFY_SEND)).toHaveLength(1);
  });
});

describe('the outbox probe', () => {
  it('is healthy while a real outbox answers, and names EDG_OUTBOX_IO once its file is closed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notify-outbox-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const outbox = new Outbox(join(dir, 'outbox.db'), {});
    const probe = outboxAnswers(() => outbox.stats());
    expect(probe()).toBeNull();
    outbox.close();
    expect(probe()).toBe('the outbox does not answer (EDG_OUTBOX_IO)');
  });
});

describe('through the real systemd-notify to a real datagram socket', () => {
  async function receiver() {
    const dir = await mkdtemp(join(tmpdir(), 'notify-socket-'));
    const path = join(dir, 'notify');
    const child: ChildProcessWithoutNullStreams = spawn('python3', [
      join(import.meta.dirname, 'support', 'notify-receiver.py'),
      path,
    ]);
    cleanups.push(async () => {
      child.kill();
      await rm(dir, { recursive: true, force: true });
    });
    const messages: Array<{ message: string; fds: number }> = [];
    const waiters: Array<() => void> = [];
    let listening: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      listening = resolve;
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const parsed = JSON.parse(line) as { listening?: string; message?: string; fds?: number };
      if (parsed.listening) return listening();
      messages.push({ message: parsed.message ?? '', fds: parsed.fds ?? 0 });
      for (const wake of waiters.splice(0)) wake();
    });
    await ready;
    /** Resolves once `n` datagrams have arrived (systemd-notify's barrier makes sends synchronous anyway). */
    const received = async (n: number) => {
      while (messages.filter((m) => !m.message.startsWith('BARRIER=1')).length < n) {
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
      return messages.filter((m) => !m.message.startsWith('BARRIER=1')).map((m) => m.message);
    };
    return { path, messages, received };
  }

  it('delivers READY=1, WATCHDOG=1 and STOPPING=1, each confirmed by a barrier', async () => {
    const socket = await receiver();
    const clock = new ManualClock();
    const notifier = createSystemdNotifier({
      logger: pino({ level: 'silent' }),
      env: { NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '2000000' },
      runner: createExecFileRunner({ timeoutMs: 10_000 }),
      clock,
    });
    await notifier.ready();
    clock.advance(1_000);
    expect(await socket.received(2)).toEqual(['READY=1', 'WATCHDOG=1']);
    await notifier.stopping();
    expect(await socket.received(3)).toEqual(['READY=1', 'WATCHDOG=1', 'STOPPING=1']);
    // systemd-notify waited for each message to be read (sd_notify_barrier): one BARRIER=1 with its fd apiece.
    expect(socket.messages.filter((m) => m.message === 'BARRIER=1' && m.fds === 1)).toHaveLength(3);
  });
});
