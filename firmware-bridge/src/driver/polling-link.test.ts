import { describe, expect, it } from 'vitest';
import { BridgeError, BridgeErrorCode } from '../errors.js';
import { TypedEvents } from '../events.js';
import type { DeviceState } from '../samples.js';
import { ManualClock } from '../testing/manual-clock.js';
import type { ByteTransport } from '../transport/transport.js';
import { PollingLink, type PollingLinkOptions } from './polling-link.js';

/** What one scripted cycle does: answer, keep quiet until the read times out, refuse, or throw a plain Error. */
type Step = 'answer' | 'quiet' | 'refuse' | 'throw' | 'no-sample';

const READ_TIMEOUT_MS = 1000;

/** A transport whose listeners the test calls by hand. */
function handTransport() {
  const data = new Set<(bytes: Uint8Array) => void>();
  const errors = new Set<(err: Error) => void>();
  const transport: ByteTransport = {
    write: () => Promise.resolve(),
    onData: (listener) => {
      data.add(listener);
      return () => data.delete(listener);
    },
    onError: (listener) => {
      errors.add(listener);
      return () => errors.delete(listener);
    },
    close: () => Promise.resolve(),
    isOpen: true,
  };
  return { transport, data, errors };
}

/** A link whose cycles follow `steps` (then stay quiet), and everything it did. */
function harness(steps: Step[], options: Partial<PollingLinkOptions<Step>> = {}) {
  const clock = new ManualClock();
  const wire = handTransport();
  const events = new TypedEvents<{ state: [DeviceState, DeviceState]; error: [BridgeError] }>();
  const seen = {
    states: [] as DeviceState[],
    errors: [] as BridgeError[],
    delivered: [] as Step[],
    bytes: [] as number[],
    cycleStarts: [] as number[],
    forgotten: 0,
    pollsSettled: 0,
  };
  events.on('state', (state) => seen.states.push(state));
  events.on('error', (error) => seen.errors.push(error));
  const link: PollingLink<string, Step> = new PollingLink<string, Step>({
    transport: wire.transport,
    clock,
    pollIntervalMs: 5000,
    device: 'TEST',
    driver: 'Test',
    events,
    onBytes: (bytes) => seen.bytes.push(...bytes),
    poll: async () => {
      seen.cycleStarts.push(clock.now());
      const step = steps.shift() ?? 'quiet';
      try {
        if (step === 'quiet') await link.waiter.waitFor(() => true, READ_TIMEOUT_MS, 'test read').promise;
        if (step === 'throw') throw new Error('wire on fire');
        link.markAnswered();
        if (step === 'refuse') throw new BridgeError(BridgeErrorCode.DEVICE_ERROR, 'refused');
        return step;
      } finally {
        seen.pollsSettled++;
      }
    },
    deliver: (answer) => {
      seen.delivered.push(answer);
      return answer !== 'no-sample';
    },
    forgetDevice: () => {
      seen.forgotten++;
    },
    ...options,
  });
  /** Moves the clock in steps, letting promise callbacks run in between. */
  const run = async (ms: number, step = 100) => {
    await flush();
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await flush();
    }
  };
  return { clock, wire, link, seen, run };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('PollingLink', () => {
  it('starts connecting, polls at once, then every pollIntervalMs counted from the start of each cycle', async () => {
    const { link, seen, run } = harness(['answer', 'quiet', 'answer']);
    expect(link.state).toBe('connecting');
    link.start();
    await run(0);
    expect(link.state).toBe('connected');
    expect(seen.states).toEqual(['connected']);
    expect(seen.delivered).toEqual(['answer']);
    // The second cycle waits out a whole read timeout; the third still starts on the 5 s grid.
    await run(10_000);
    expect(seen.cycleStarts.map((at) => at - (seen.cycleStarts[0] ?? 0))).toEqual([0, 5000, 10_000]);
    expect(link.stats).toEqual({ cycles: 3, failedCycles: 1 });
    expect(link.state).toBe('connected');
    await link.stop();
  });

  it('calls a device that never answered silent after failedCyclesBeforeOffline timeouts, reporting none', async () => {
    const { link, seen, run } = harness([], { failedCyclesBeforeOffline: 3 });
    link.start();
    await run(10_000 + READ_TIMEOUT_MS);
    expect(link.stats.failedCycles).toBe(3);
    expect(seen.states).toEqual(['silent']);
    expect(seen.errors).toEqual([]);
    await link.stop();
  });

  it('defaults to two failed cycles, and takes at least one', async () => {
    const twice = harness([]);
    twice.link.start();
    await twice.run(READ_TIMEOUT_MS);
    expect(twice.link.state).toBe('connecting');
    await twice.run(5000);
    expect(twice.link.state).toBe('silent');
    await twice.link.stop();
    const once = harness([], { failedCyclesBeforeOffline: 0 });
    once.link.start();
    await once.run(READ_TIMEOUT_MS);
    expect(once.link.state).toBe('silent');
    await once.link.stop();
  });

  it('calls a device that answered before asleep, forgets it, and connects again when it answers', async () => {
    const { link, seen, run } = harness(['answer', 'quiet', 'quiet', 'answer']);
    link.start();
    expect(seen.forgotten).toBe(1);
    await run(15_000);
    expect(seen.states).toEqual(['connected', 'asleep', 'connected']);
    expect(seen.forgotten).toBe(2);
    expect(seen.errors).toEqual([]);
    expect(link.stats).toEqual({ cycles: 4, failedCycles: 2 });
    await link.stop();
  });

  it('keeps a device that answers uselessly connected, and reports why each time', async () => {
    const { link, seen, run } = harness(['refuse', 'refuse', 'refuse']);
    link.start();
    await run(10_000);
    expect(seen.states).toEqual(['connected']);
    expect(seen.errors.map((e) => e.code)).toEqual(Array(3).fill(BridgeErrorCode.DEVICE_ERROR));
    expect(link.stats.failedCycles).toBe(3);
    await link.stop();
  });

  it('reports failures other than timeouts as BridgeErrors, and counts them toward offline', async () => {
    const { link, seen, run } = harness(['throw', 'throw']);
    link.start();
    await run(5000);
    expect(seen.errors.map((e) => e.code)).toEqual([BridgeErrorCode.PORT_CLOSED, BridgeErrorCode.PORT_CLOSED]);
    expect(seen.errors[0]?.cause).toBeInstanceOf(Error);
    expect(seen.states).toEqual(['silent']);
    await link.stop();
  });

  it('counts an answer that makes no sample as a failed cycle, still connected', async () => {
    const { link, seen, run } = harness(['no-sample', 'answer']);
    link.start();
    await run(5000);
    expect(seen.delivered).toEqual(['no-sample', 'answer']);
    expect(seen.states).toEqual(['connected']);
    expect(link.stats).toEqual({ cycles: 2, failedCycles: 1 });
    await link.stop();
  });

  it('hands transport bytes to onBytes and a link failure on as BRG_PORT_CLOSED with its cause', async () => {
    const { link, seen, wire } = harness(['answer']);
    link.start();
    for (const listener of wire.data) listener(Uint8Array.of(1, 2, 3));
    const cause = new Error('cable pulled');
    for (const listener of wire.errors) listener(cause);
    expect(seen.bytes).toEqual([1, 2, 3]);
    expect(seen.errors.map((e) => e.code)).toEqual([BridgeErrorCode.PORT_CLOSED]);
    expect(seen.errors[0]?.cause).toBe(cause);
    await link.stop();
    expect(wire.data.size).toBe(0);
    expect(wire.errors.size).toBe(0);
  });

  it('stop() aborts the read in flight quietly, waits for its cycle, and leaves no timer behind', async () => {
    const { link, seen, run, clock } = harness(['quiet']);
    link.start();
    await run(500);
    expect(link.waiter.size).toBe(1);
    await link.stop();
    expect(seen.pollsSettled).toBe(1);
    expect(link.running).toBe(false);
    expect(link.waiter.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    expect(seen.states).toEqual(['stopped']);
    await run(30_000, 1000);
    expect(seen.cycleStarts).toHaveLength(1);
    expect(seen.errors).toEqual([]);
    expect(link.stats.failedCycles).toBe(0);
  });

  it('delivers nothing from a cycle stop() overtook, and starts afresh', async () => {
    const { link, seen, run } = harness(['answer', 'answer']);
    link.start();
    await link.stop();
    expect(seen.delivered).toEqual([]);
    link.start();
    await run(0);
    expect(seen.delivered).toEqual(['answer']);
    expect(seen.states).toEqual(['stopped', 'connecting', 'connected']);
    await link.stop();
  });

  it('keeps one polling loop when start() follows a stop() that was not awaited', async () => {
    const { link, seen, run } = harness(['quiet', 'answer', 'answer', 'answer', 'answer']);
    link.start();
    await run(0);
    // The first cycle is still waiting for its read when the driver is restarted.
    void link.stop();
    link.start();
    await run(20_000);
    const starts = seen.cycleStarts.map((at) => at - (seen.cycleStarts[0] ?? 0));
    // Old cycle at 0, then the new loop alone: at 0 and every 5 s. A second loop would double these.
    expect(starts).toEqual([0, 0, 5000, 10_000, 15_000, 20_000]);
    await link.stop();
  });

  it("send() settles with the answer, the write error, or the wait's timeout", async () => {
    const { link, clock } = harness([]);
    const answered = link.waiter.waitFor((m) => m === 'pong', READ_TIMEOUT_MS, 'ping');
    const reply = link.send(Uint8Array.of(1), answered);
    link.waiter.offer('pong');
    await expect(reply).resolves.toBe('pong');

    const unanswered = link.send(
      Uint8Array.of(2),
      link.waiter.waitFor(() => true, READ_TIMEOUT_MS, 'ping'),
    );
    clock.advance(READ_TIMEOUT_MS);
    await expect(unanswered).rejects.toMatchObject({ code: BridgeErrorCode.TIMEOUT });

    const broken = new BridgeError(BridgeErrorCode.PORT_CLOSED, 'gone');
    const closed = harness([], { transport: { ...handTransport().transport, write: () => Promise.reject(broken) } });
    const wait = closed.link.waiter.waitFor(() => true, READ_TIMEOUT_MS, 'ping');
    await expect(closed.link.send(Uint8Array.of(3), wait)).rejects.toBe(broken);
    expect(closed.link.waiter.size).toBe(0);
    expect(closed.clock.pendingTimers).toBe(0);
  });

  it('is harmless to start twice or stop before starting', async () => {
    const { link, seen, run } = harness(['answer']);
    await link.stop();
    expect(seen.states).toEqual(['stopped']);
    link.start();
    link.start();
    await run(0);
    expect(seen.cycleStarts).toHaveLength(1);
    expect(seen.states).toEqual(['stopped', 'connecting', 'connected']);
    await link.stop();
  });
});
