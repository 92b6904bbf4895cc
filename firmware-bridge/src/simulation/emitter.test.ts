import { describe, expect, it } from 'vitest';
import { RecordingTransport } from '../../test/support/recording-transport.js';
import { settle } from '../../test/support/settle.js';
import { ManualClock } from '../testing/manual-clock.js';
import { LineEmitter, type LineEmitterOptions } from './emitter.js';

type Counter = 'asks' | 'answers';
const ASK = Uint8Array.of(0x11, 0x22);
const ANSWER = Uint8Array.of(0x33);

function rig(options: Partial<LineEmitterOptions<Counter>> = {}) {
  const clock = new ManualClock();
  const transport = new RecordingTransport();
  let wakes = 0;
  const line: LineEmitter<Counter> = new LineEmitter<Counter>({
    transport,
    clock,
    intervalMs: 100,
    counters: ['asks', 'answers'],
    tick: () => {
      line.send(ASK, 'asks');
      line.send(ANSWER, 'answers');
    },
    onWake: () => {
      wakes++;
    },
    ...options,
  });
  return { clock, transport, line, wakes: () => wakes };
}

describe('LineEmitter', () => {
  it('ticks at once, then every interval, and counts what was written', async () => {
    const { clock, transport, line } = rig();
    line.start();
    clock.advance(250);
    expect(transport.written).toEqual([ASK, ANSWER, ASK, ANSWER, ASK, ANSWER]);
    // Counted once the transport has taken the bytes.
    expect(line.stats).toEqual({ asks: 0, answers: 0, noiseBytes: 0, writeErrors: 0 });
    await settle(2);
    expect(line.stats).toEqual({ asks: 3, answers: 3, noiseBytes: 0, writeErrors: 0 });
    expect(Object.keys(line.stats)).toEqual(['asks', 'answers', 'noiseBytes', 'writeErrors']);
  });

  it('counts a refused write as a write error', async () => {
    const { clock, transport, line } = rig();
    await transport.close();
    line.start();
    clock.advance(0);
    await settle(2);
    expect(line.stats).toMatchObject({ asks: 0, answers: 0, writeErrors: 2 });
  });

  it('starts once, wakes once at start, and stops leaving no timer', () => {
    const { clock, transport, line, wakes } = rig();
    line.start();
    line.start();
    expect(line.running).toBe(true);
    expect(wakes()).toBe(1);
    clock.advance(0);
    expect(transport.written).toHaveLength(2);
    line.stop();
    expect(line.running).toBe(false);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(1000);
    expect(transport.written).toHaveLength(2);
  });

  it('goes quiet when switched off, and on waking talks at once and wakes the family', () => {
    const { clock, transport, line, wakes } = rig();
    line.start();
    clock.advance(0);
    line.displayOn = false;
    clock.advance(500);
    expect(transport.written).toHaveLength(2);
    expect(clock.pendingTimers).toBe(0);
    line.displayOn = true;
    expect(wakes()).toBe(2);
    clock.advance(0);
    expect(transport.written).toHaveLength(4);
    // Switching on what is on is no wake.
    line.displayOn = true;
    expect(wakes()).toBe(2);
  });

  it('does not tick before start, even when switched on', () => {
    const { clock, transport, line, wakes } = rig();
    line.displayOn = false;
    line.displayOn = true;
    clock.advance(1000);
    expect(transport.written).toEqual([]);
    expect(wakes()).toBe(0);
  });

  it('parks: switches itself off sleepAfterMs after start, and again after each wake', () => {
    const { clock, transport, line } = rig({ sleepAfterMs: 300 });
    line.start();
    clock.advance(1000);
    // Ticks at 0, 100 and 200; the one at 300 finds the display off.
    expect(transport.written).toHaveLength(6);
    expect(line.displayOn).toBe(false);
    expect(clock.pendingTimers).toBe(0);
    line.displayOn = true;
    clock.advance(1000);
    expect(transport.written).toHaveLength(12);
  });

  it('puts seeded noise before frames, except the kinds left clean, the same for the same seed', async () => {
    const run = async (seed: number) => {
      const { clock, transport, line } = rig({ noise: { seed, maxBytes: 5, except: ['answers'] } });
      line.start();
      clock.advance(1000);
      await settle(2);
      return { written: transport.written, stats: line.stats };
    };
    const first = await run(7);
    const answers = first.written.filter((_, i) => i % 2 === 1);
    expect(answers.every((bytes) => bytes.length === 1 && bytes[0] === 0x33)).toBe(true);
    const asks = first.written.filter((_, i) => i % 2 === 0);
    const noise = asks.reduce((n, bytes) => n + bytes.length - ASK.length, 0);
    expect(asks.every((bytes) => bytes.length - ASK.length <= 5 && bytes.at(-1) === 0x22)).toBe(true);
    expect(noise).toBeGreaterThan(0);
    expect(first.stats).toEqual({ asks: 11, answers: 11, noiseBytes: noise, writeErrors: 0 });
    expect(await run(7)).toEqual(first);
    expect((await run(8)).written).not.toEqual(first.written);
  });
});
