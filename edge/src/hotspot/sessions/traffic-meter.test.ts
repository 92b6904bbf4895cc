import { describe, expect, it } from 'vitest';
import { TrafficMeter } from './traffic-meter.js';

describe('TrafficMeter', () => {
  it('takes the first reading as the baseline and adds what grew since', () => {
    const meter = new TrafficMeter();
    meter.update({ bytesUp: 5_000, bytesDown: 90_000 });
    expect(meter.totals).toEqual({ bytesUp: 0, bytesDown: 0 });
    meter.update({ bytesUp: 6_000, bytesDown: 100_000 });
    expect(meter.totals).toEqual({ bytesUp: 1_000, bytesDown: 10_000 });
  });

  it('reads a drop as a ruleset reload that restarted the counters from zero', () => {
    const meter = new TrafficMeter();
    meter.update({ bytesUp: 6_000, bytesDown: 100_000 });
    meter.update({ bytesUp: 300, bytesDown: 2_000 });
    meter.update({ bytesUp: 400, bytesDown: 2_500 });
    expect(meter.totals).toEqual({ bytesUp: 400, bytesDown: 2_500 });
  });
});
