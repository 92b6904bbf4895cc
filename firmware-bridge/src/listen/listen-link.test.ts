import { describe, expect, it } from 'vitest';
import { RecordingTransport } from '../../test/support/recording-transport.js';
import { BridgeError, BridgeErrorCode } from '../errors.js';
import type { SplitDiscard } from '../framing.js';
import { BufferedSplitter } from '../framing-buffer.js';
import type { DeviceState } from '../samples.js';
import { ManualClock } from '../testing/manual-clock.js';
import { ListenLink, type ListenLinkOptions } from './listen-link.js';

/** Every byte 0x01–0xFE is a one-byte frame; 0x00 is garbage; 0xFF is a frame the decoder refuses. */
class ByteSplitter extends BufferedSplitter<'garbage'> {
  protected scan(buf: Uint8Array): number {
    for (let at = 0; at < buf.length; at++) if (buf[at] !== 0) this.buffer.frame(at, at + 1);
    return buf.length;
  }
}

function rig(options: Partial<ListenLinkOptions<number, 'garbage'>> = {}) {
  const clock = new ManualClock();
  const transport = new RecordingTransport();
  const seen = {
    messages: [] as number[],
    states: [] as [DeviceState, DeviceState][],
    discards: [] as SplitDiscard<'garbage'>[],
    errors: [] as BridgeError[],
  };
  const link = new ListenLink<number, 'garbage'>({
    transport,
    clock,
    quietMs: 1000,
    name: 'Toy',
    splitter: new ByteSplitter(),
    decode: (frame) => {
      const value = frame[0] ?? 0;
      if (value === 0xff) throw new RangeError('0xFF is refused');
      return value;
    },
    onMessage: (m) => seen.messages.push(m),
    onDiscard: (d) => seen.discards.push(d),
    onState: (state, previous) => seen.states.push([state, previous]),
    onError: (e) => seen.errors.push(e),
    ...options,
  });
  return { clock, transport, seen, link };
}

describe('ListenLink', () => {
  it('is connecting from start, and calls a line that never speaks silent after quietMs', () => {
    const { clock, seen, link } = rig();
    link.start();
    expect(link.state).toBe('connecting');
    clock.advance(999);
    expect(link.state).toBe('connecting');
    clock.advance(1);
    expect(link.state).toBe('silent');
    expect(seen.states).toEqual([['silent', 'connecting']]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('is connected while frames flow, and asleep once they stop after having flowed', () => {
    const { clock, transport, seen, link } = rig();
    link.start();
    transport.inject(Uint8Array.of(1, 2));
    expect(link.state).toBe('connected');
    expect(seen.messages).toEqual([1, 2]);
    clock.advance(900);
    transport.inject(Uint8Array.of(3));
    // Every chunk with a frame in it re-arms the quiet timer.
    clock.advance(900);
    expect(link.state).toBe('connected');
    clock.advance(100);
    expect(link.state).toBe('asleep');
    transport.inject(Uint8Array.of(4));
    expect(seen.states).toEqual([
      ['connected', 'connecting'],
      ['asleep', 'connected'],
      ['connected', 'asleep'],
    ]);
  });

  it('hands discards on but does not count them as the line speaking', () => {
    const { clock, transport, seen, link } = rig();
    link.start();
    transport.inject(Uint8Array.of(0, 0));
    expect(seen.discards).toEqual([{ type: 'discarded', bytes: Uint8Array.of(0, 0), reason: 'garbage' }]);
    expect(link.state).toBe('connecting');
    clock.advance(1000);
    expect(link.state).toBe('silent');
  });

  it('counts a frame the decoder refuses, reports it as BRG_FRAME_INVALID, and goes on', () => {
    const { transport, seen, link } = rig();
    link.start();
    transport.inject(Uint8Array.of(0xff, 5));
    expect(link.decodeErrors).toBe(1);
    expect(seen.errors.map((e) => e.code)).toEqual([BridgeErrorCode.FRAME_INVALID]);
    expect(seen.messages).toEqual([5]);
    expect(link.state).toBe('connected');
  });

  it('passes a BridgeError from the decoder on as it is', () => {
    const refusal = new BridgeError(BridgeErrorCode.PAYLOAD_SHORT, 'short');
    const { transport, seen, link } = rig({
      decode: () => {
        throw refusal;
      },
    });
    link.start();
    transport.inject(Uint8Array.of(7));
    expect(seen.errors).toEqual([refusal]);
    expect(link.state).toBe('connecting');
  });

  it('reports a failing line as BRG_PORT_CLOSED with its name and the cause', () => {
    const { transport, seen, link } = rig();
    link.start();
    const cause = new Error('unplugged');
    transport.fail(cause);
    expect(seen.errors).toHaveLength(1);
    expect(seen.errors[0]?.code).toBe(BridgeErrorCode.PORT_CLOSED);
    expect(seen.errors[0]?.message).toContain('Toy');
    expect(seen.errors[0]?.cause).toBe(cause);
  });

  it('stops: stopped state, no timer, no listener left, and bytes after that are ignored', () => {
    const { clock, transport, seen, link } = rig();
    link.start();
    transport.inject(Uint8Array.of(1));
    link.stop();
    expect(link.state).toBe('stopped');
    expect(clock.pendingTimers).toBe(0);
    expect(transport.listeners).toBe(0);
    transport.inject(Uint8Array.of(2));
    expect(seen.messages).toEqual([1]);
  });

  it('starts once however often asked, and forgets it was heard when started again', () => {
    const { clock, transport, link } = rig();
    link.start();
    link.start();
    expect(transport.listeners).toBe(2);
    transport.inject(Uint8Array.of(1));
    link.stop();
    link.start();
    clock.advance(1000);
    expect(link.state).toBe('silent');
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses quietMs = %s with BRG_OPTION_INVALID', (quietMs) => {
    expect(() => rig({ quietMs })).toThrow(expect.objectContaining({ code: BridgeErrorCode.OPTION_INVALID }));
  });
});
