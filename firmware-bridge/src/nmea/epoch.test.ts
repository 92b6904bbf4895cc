import { describe, expect, it } from 'vitest';
import { enc, streamVectors } from '../../test/vectors/nmea.js';
import { decodeSentence } from './codec.js';
import { EpochAssembler, epochToRaw, type NmeaEpoch } from './epoch.js';

function assemble(lines: string[]): { epochs: NmeaEpoch[]; complete: boolean[]; assembler: EpochAssembler } {
  const epochs: NmeaEpoch[] = [];
  const complete: boolean[] = [];
  const assembler = new EpochAssembler((epoch, done) => {
    epochs.push(epoch);
    complete.push(done);
  });
  for (const text of lines) assembler.push(decodeSentence(enc(text)));
  return { epochs, complete, assembler };
}

const linesOf = (name: string): string[] =>
  streamVectors.find((v) => v.name.startsWith(name))?.text.match(/[^\n]*\n/g) ?? [];

describe('EpochAssembler on real receivers', () => {
  it('SiRF order GGA, GSA, RMC: the first epoch closes on the next time, later ones on their own RMC', () => {
    const { epochs, complete, assembler } = assemble(linesOf('SiRF IV'));
    expect(epochs).toHaveLength(10);
    expect(assembler.open).toBe(false);
    expect(complete.every(Boolean)).toBe(true);
    expect(epochs.map((e) => e.sentences)).toEqual(Array.from({ length: 10 }, () => 3));
    expect(epochs[0]).toMatchObject({
      timeMs: ((3 * 60 + 7) * 60 + 19) * 1000,
      gga: { hdop: 1.1 },
      rmc: { speedKnots: 0.69 },
    });
  });

  it('u-blox order RMC, VTG, GGA, GSA, GSA: two GSAs in one epoch, VTG and GSA without a time', () => {
    const { epochs, assembler } = assemble(linesOf('u-blox NEO-M8N'));
    // The capture ends right after the second epoch's GSAs: that one closes on its learned shape.
    expect(epochs).toHaveLength(2);
    expect(assembler.open).toBe(false);
    for (const epoch of epochs) {
      expect(epoch.sentences).toBe(5);
      expect(epoch.gsa.map((s) => s.prns.length)).toEqual([9, 5]);
      expect(epoch.vtg?.speedKmh).toBeDefined();
    }
  });

  it('Quectel at 5 Hz: each 200 ms epoch stands alone', () => {
    const { epochs } = assemble(linesOf('Quectel'));
    expect(epochs.map((e) => e.timeMs)).toEqual([21_154_200, 21_154_400]);
    expect(epochs[0]?.gsa.map((s) => s.systemId)).toEqual([1, 4, 2]);
  });

  it('Telit with two talkers per type keeps one epoch and prefers neither over GN', () => {
    const { epochs, assembler } = assemble(linesOf('Telit'));
    assembler.flush();
    expect(epochs).toHaveLength(1);
    expect(epochs[0]?.sentences).toBe(11);
    // First talker wins when none is GN.
    expect(epochs[0]?.gga?.talker).toBe('GP');
    expect(epochs[0]?.gsa).toHaveLength(5);
  });

  it('a cold start without any time still splits on the repeated RMC', () => {
    const { epochs } = assemble(linesOf('u-blox ANTARIS'));
    expect(epochs).toHaveLength(2);
    expect(epochs[0]?.timeMs).toBeUndefined();
  });
});

describe('EpochAssembler rules', () => {
  const gn = '$GNGGA,171926.00,4404.14063,N,12118.85478,W,1,12,0.91,1147.2,M,-21.3,M,,*44';
  const gp = '$GPGGA,171926.00,4404.14063,N,12118.85478,W,1,12,0.91,1147.2,M,-21.3,M,,*5A';

  it('prefers a combined GN sentence over a single-system one in the same epoch', () => {
    const { epochs, assembler } = assemble([gp, gn]);
    assembler.flush();
    expect(epochs[0]?.gga?.talker).toBe('GN');
  });

  it('flush() closes the open epoch as incomplete, and is harmless when nothing is open', () => {
    const { epochs, complete, assembler } = assemble([gn]);
    expect(assembler.open).toBe(true);
    assembler.flush();
    assembler.flush();
    expect(epochs).toHaveLength(1);
    expect(complete).toEqual([false]);
  });

  it('ignores sentences it does not merge', () => {
    const { epochs, assembler } = assemble(['$GPGSV,1,1,00*79', '$GPTXT,01,01,02,ANTSTATUS=OK*3B']);
    expect(assembler.open).toBe(false);
    expect(epochs).toEqual([]);
  });
});

describe('epochToRaw', () => {
  const raw = (lines: string[], at = 1000) => {
    const { epochs, assembler } = assemble(lines);
    assembler.flush();
    const [epoch] = epochs;
    if (epoch === undefined) throw new Error('no epoch');
    return epochToRaw(epoch, at);
  };

  it('merges the SiRF epoch the way gpsd reports it', () => {
    expect(raw(linesOf('SiRF IV').slice(0, 3), 42)).toEqual({
      at: 42,
      fix: '3d',
      lat: -(37 + 47.0873 / 60),
      lon: 175 + 18.8938 / 60,
      speedKmh: 0.69 * 1.852,
      courseDeg: 181.39,
      altitudeM: 59.9,
      satellites: 8,
      hdop: 1.1,
      gpsTime: Date.UTC(2014, 11, 31, 3, 7, 19),
    });
  });

  it('takes VTG’s km/h over RMC’s knots, and counts satellites from every GSA (u-blox caps GGA at 12)', () => {
    const r = raw(linesOf('u-blox NEO-M8N').slice(0, 5));
    expect(r.speedKmh).toBe(0.216);
    expect(r.satellites).toBe(14);
  });

  it('reports no fix, no time and no position for a cold start', () => {
    expect(raw(linesOf('u-blox ANTARIS').slice(6, 10))).toEqual({ at: 1000, fix: 'none', satellites: 0, hdop: 99.99 });
  });

  it('uses GSA 2D over GGA, and falls back to GGA quality then RMC status', () => {
    const gsa2d = '$GLGSA,A,2,67,84,83,75,,,,,,,,,02.5,02.3,01.0*1C';
    const gga = '$GLGGA,135654.997,5543.0328,N,03724.7197,E,1,04,02.3,165.6,M,14.6,M,,*71';
    expect(raw([gga, gsa2d]).fix).toBe('2d');
    expect(raw([gga]).fix).toBe('3d');
    expect(raw(['$GPGGA,135654.997,5543.0328,N,03724.7197,E,1,04,02.3,,M,,M,,*5A']).fix).toBe('2d');
    expect(raw(['$GLRMC,135654.997,A,5543.0328,N,03724.7197,E,00.00,129.5,051209,,,A*71']).fix).toBe('2d');
    expect(raw(['$GPVTG,,,,,,,,,N*30']).fix).toBe('none');
  });

  it('never takes the time of an RMC without a fix as the clock', () => {
    const r = raw(['$GNRMC,171926.00,V,,,,,,,180315,,,N*67']);
    expect(r).toMatchObject({ fix: 'none' });
    expect(r.gpsTime).toBeUndefined();
  });
});
