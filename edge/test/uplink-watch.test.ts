import { describe, expect, it } from 'vitest';
import type { RaisedEvent } from '../src/events/unit-events.js';
import { UplinkWatch } from '../src/events/uplink-watch.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0);
const MIN = 60_000;

function watch(downAfterMs = 2 * MIN) {
  const raised: RaisedEvent[] = [];
  const record = (event: RaisedEvent) => {
    raised.push(event);
    return true;
  };
  return { raised, watch: new UplinkWatch(downAfterMs, record) };
}

describe('uplink watch', () => {
  it('lets a short drop pass: a tunnel or a handover is not an outage', () => {
    const { raised, watch: w } = watch();
    w.observe(T0, 'online');
    w.observe(T0 + 1000, 'offline');
    w.observe(T0 + 1000 + 2 * MIN - 1, 'connecting');
    w.observe(T0 + 3 * MIN, 'online');
    expect(raised).toEqual([]);
  });

  it('reports an outage past the threshold once, with the modem’s view, and its end with the duration', () => {
    const { raised, watch: w } = watch();
    w.observe(T0, 'offline', { registered: false, signalPct: 0 });
    w.observe(T0 + 2 * MIN, 'offline', { registered: false, signalPct: 0 });
    w.observe(T0 + 3 * MIN, 'connecting', { registered: false });
    w.observe(T0 + 10 * MIN, 'online', { registered: true, signalPct: 60 });
    expect(raised).toEqual([
      {
        kind: 'uplink-down',
        active: true,
        severity: 'warning',
        data: { cause: 'modem-unregistered', sinceTs: T0, signalPct: 0 },
      },
      { kind: 'uplink-down', active: false, severity: 'warning', data: { downS: 600 } },
    ]);
  });

  it('names the cause from what the modem says', () => {
    const cause = (modem: { registered?: boolean; signalPct?: number }) => {
      const { raised, watch: w } = watch(1000);
      w.observe(T0, 'offline', modem);
      w.observe(T0 + 1000, 'offline', modem);
      return raised[0]?.data?.cause;
    };
    expect(cause({ registered: true, signalPct: 0 })).toBe('no-signal');
    expect(cause({ registered: true, signalPct: 70 })).toBe('broker-unreachable');
    expect(cause({})).toBe('broker-unreachable');
  });

  it('ignores a stop and a refusal: neither is the link going down', () => {
    const { raised, watch: w } = watch(1000);
    w.observe(T0, 'stopped');
    w.observe(T0 + 5000, 'stopped');
    w.observe(T0 + 6000, 'refused');
    w.observe(T0 + 9000, 'refused');
    expect(raised).toEqual([]);
  });

  it('tries again at the next reading when the event could not be journaled', () => {
    const raised: RaisedEvent[] = [];
    let accept = false;
    const w = new UplinkWatch(1000, (event) => {
      raised.push(event);
      return accept;
    });
    w.observe(T0, 'offline');
    w.observe(T0 + 1000, 'offline');
    accept = true;
    w.observe(T0 + 2000, 'offline');
    w.observe(T0 + 3000, 'offline');
    expect(raised).toHaveLength(2);
  });
});
