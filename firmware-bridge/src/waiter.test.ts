import { describe, expect, it } from 'vitest';
import { BridgeErrorCode } from './errors.js';
import { ManualClock } from './testing/manual-clock.js';
import { Waiter } from './waiter.js';

interface Msg {
  id: number;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('Waiter', () => {
  it('resolves the wait whose matcher accepts the offered message', async () => {
    const clock = new ManualClock();
    const waiter = new Waiter<Msg>(clock);
    const one = waiter.waitFor((m) => m.id === 1, 100, 'one');
    const two = waiter.waitFor((m) => m.id === 2, 100, 'two');
    expect(waiter.offer({ id: 3 })).toBe(false);
    expect(waiter.offer({ id: 2 })).toBe(true);
    await expect(two.promise).resolves.toEqual({ id: 2 });
    expect(waiter.size).toBe(1);
    expect(clock.pendingTimers).toBe(1);
    waiter.offer({ id: 1 });
    await expect(one.promise).resolves.toEqual({ id: 1 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('gives a message to the oldest matching wait only', async () => {
    const waiter = new Waiter<Msg>(new ManualClock());
    const first = waiter.waitFor(() => true, 100, 'first');
    const second = waiter.waitFor(() => true, 100, 'second');
    waiter.offer({ id: 7 });
    await expect(first.promise).resolves.toEqual({ id: 7 });
    expect(waiter.size).toBe(1);
    second.cancel();
    expect(await codeOf(second.promise)).toBe(BridgeErrorCode.ABORTED);
  });

  it('rejects with BRG_TIMEOUT when the clock passes the deadline, not before', async () => {
    const clock = new ManualClock();
    const waiter = new Waiter<Msg>(clock);
    const wait = waiter.waitFor(() => true, 1000, 'read');
    clock.advance(999);
    expect(waiter.size).toBe(1);
    clock.advance(1);
    expect(waiter.size).toBe(0);
    expect(await codeOf(wait.promise)).toBe(BridgeErrorCode.TIMEOUT);
    expect(waiter.offer({ id: 1 })).toBe(false);
  });

  it('aborts every pending wait with BRG_ABORTED and clears their timers', async () => {
    const clock = new ManualClock();
    const waiter = new Waiter<Msg>(clock);
    const waits = [1, 2, 3].map((id) => waiter.waitFor((m) => m.id === id, 500, `wait ${id}`));
    waiter.abortAll('stopping');
    expect(clock.pendingTimers).toBe(0);
    for (const wait of waits) expect(await codeOf(wait.promise)).toBe(BridgeErrorCode.ABORTED);
  });

  it('ignores cancel after the wait has settled', async () => {
    const waiter = new Waiter<Msg>(new ManualClock());
    const wait = waiter.waitFor(() => true, 100, 'once');
    waiter.offer({ id: 1 });
    wait.cancel();
    await expect(wait.promise).resolves.toEqual({ id: 1 });
  });
});
