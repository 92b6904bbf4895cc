import { describe, expect, it } from 'vitest';
import { dec, enc, sentenceVectors, streamVectors } from '../../test/vectors/nmea.js';
import { BridgeErrorCode } from '../errors.js';
import { parseDecimal } from './bytes.js';
import { decodeSentence, nmeaChecksum } from './codec.js';
import { nmeaDecoder } from './decoder.js';
import { encodeGga, encodeGsa, encodeOther, encodeRmc, encodeSentence, encodeVtg, frameSentence } from './encode.js';
import type { NmeaSentence } from './sentences.js';
import { NmeaSplitter } from './splitter.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

const line = (text: string) => enc(text);

describe('NMEA codec golden vectors', () => {
  for (const vector of sentenceVectors) {
    describe(vector.name, () => {
      it('decodes to the expected values', () => {
        expect(decodeSentence(enc(vector.line))).toEqual(vector.expected);
      });

      it('re-encodes to a sentence that decodes to the same values', () => {
        const again = encodeSentence(decodeSentence(enc(vector.line)));
        expect(decodeSentence(again)).toEqual(vector.expected);
        expect(new NmeaSplitter({ maxLength: 128 }).push(again)).toEqual([{ type: 'frame', frame: again }]);
      });

      it('re-encodes byte for byte once in the encoder’s own format', () => {
        const canonical = encodeSentence(decodeSentence(enc(vector.line)));
        expect(dec(encodeSentence(decodeSentence(canonical)))).toBe(dec(canonical));
      });
    });
  }

  it('re-encodes the real sentences that are already in the encoder’s format byte for byte', () => {
    const exact = [
      '$GPRMC,,V,,,,,,,,,,N*53\r\n',
      '$GPGGA,,,,,,0,00,99.99,,,,,,*48\r\n',
      '$GPGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99*30\r\n',
      '$GNGSA,A,3,67,83,76,82,68,,,,,,,,1.56,0.91,1.27*1D\r\n',
      '$GNVTG,,T,,M,0.117,N,0.216,K,A*3F\r\n',
      '$GNGSA,A,3,13,27,37,,,,,,,,,,1.5,0.9,1.2,4*39\r\n',
      '$GPGSV,3,1,12,17,72,207,32,28,59,095,31,06,35,347,25,01,29,132,23*7B\r\n',
    ];
    for (const text of exact) expect(dec(encodeSentence(decodeSentence(enc(text))))).toBe(text);
  });

  it('decodes every sentence of the real streams', () => {
    for (const vector of streamVectors) {
      for (const text of vector.text.match(/[^\n]*\n/g) ?? []) {
        expect(() => decodeSentence(enc(text)), text).not.toThrow();
      }
    }
  });
});

describe('NMEA decoding tolerates what real receivers send', () => {
  it('takes a sentence without line end, or without checksum', () => {
    expect(decodeSentence(line('$GPRMC,,V,,,,,,,,,,N*53'))).toEqual({
      type: 'RMC',
      talker: 'GP',
      status: 'V',
      mode: 'N',
    });
    expect(decodeSentence(line('$GPGGA,012530.562,4131.7353,N,09336.8150,W,0,00,50.\n'))).toMatchObject({
      timeMs: ((1 * 60 + 25) * 60 + 30) * 1000 + 562,
      quality: 0,
      hdop: 50,
    });
  });

  it('drops placeholder coordinates sent without a fix (MTK 8960.000000 N, 36000.0000 N)', () => {
    const mtk = decodeSentence(line('$GPRMC,235946.005,V,8960.000000,N,00000.000000,E,0.000,0.00,050180,,,N*47\n'));
    expect(mtk).toMatchObject({ status: 'V', lat: undefined, lon: 0, date: { year: 1980, month: 1, day: 5 } });
    const tn200 = decodeSentence(line('$GPRMC,000452.981,V,36000.0000,N,72000.0000,E,0.000000,,190120,,*32\n'));
    expect(tn200).toMatchObject({ lat: undefined, lon: undefined, speedKnots: 0 });
  });

  it('reads the mode indicator where NMEA 2.3 receivers put it without a variation side', () => {
    const saab = decodeSentence(line('$GPRMC,130711.00,A,5012.790800,N,00806.879600,W,0.5,3.0,010611,,A*6A\n'));
    expect(saab).toMatchObject({ mode: 'A', magneticVariationDeg: undefined });
  });

  it('ignores junk magnetic variation, a float system id, and a date broken by a week rollover', () => {
    expect(decodeSentence(line('$GPRMC,212607.891,V,,,,,,,181207,0,N*5C\n'))).toMatchObject({
      magneticVariationDeg: undefined,
      date: { year: 2007, month: 12, day: 18 },
    });
    expect(decodeSentence(line('$GPGSA,A,3,25,32,,,,,,,,,,,5.1,1.3,4.9,3.3*3D\r\n'))).toMatchObject({
      systemId: undefined,
    });
    const rollover = decodeSentence(line('$GPRMC,000231.099,A,4829.0005,N,00022.0015,E,0.15,212.28,2208-1,,,A*73\n'));
    expect(rollover).toMatchObject({ status: 'A', date: undefined, lat: 48 + 29.0005 / 60 });
  });

  it('takes free-form proprietary addresses (SiRF $PSRFTXT)', () => {
    expect(decodeSentence(line('$PSRFTXTGreat-Well 20061201*33\n'))).toEqual({
      type: 'other',
      talker: 'P',
      address: 'PSRFTXTGreat-Well 20061201',
      fields: [],
    });
  });
});

describe('NMEA decoding rejects what makes no sense', () => {
  const bad: [string, string][] = [
    ['no $', 'GPGGA,,,,,,0,00,99.99,,,,,,*48'],
    ['empty', ''],
    ['a wrong checksum', '$GPGGA,,,,,,0,00,99.99,,,,,,*49'],
    ['a one-digit checksum', '$GPGGA,,,,,,0,00,99.99,,,,,,*4'],
    ['a non-hex checksum', '$GPGGA,,,,,,0,00,99.99,,,,,,*4G'],
    ['a control byte', '$GPGGA,\x01,,,,,0,00,99.99,,,,,,'],
    ['a second $', '$GPGGA,$,,'],
    ['an empty address', '$,1,2'],
    ['a lower-case address', '$gpgga,1'],
    ['a time with letters', '$GPGGA,|19322|1.00,|2037.|72792,N,08704.08478,W,1,04,1.7,-30.40,M,-13.9,M,,*7D'],
    ['a short time', '$GPGGA,1234,,,,,0'],
    ['25 o’clock', '$GPGGA,250000.00,,,,,0'],
    ['a time fraction without dot', '$GPGGA,123456x00,,,,,0'],
    ['a coordinate with letters', '$GPGGA,123456.00,45x6.1,N,00455.3,E,1'],
    ['a coordinate without hemisphere', '$GPGGA,123456.00,4546.1,,00455.3,E,1'],
    ['a hemisphere without coordinate', '$GPGGA,123456.00,,N,00455.3,E,1'],
    ['a wrong hemisphere', '$GPGGA,123456.00,4546.1,E,00455.3,E,1'],
    ['a quality of 12', '$GPGGA,123456.00,4546.1,N,00455.3,E,12'],
    ['a fractional satellite count', '$GPGGA,123456.00,4546.1,N,00455.3,E,1,7.5'],
    ['an HDOP with two dots', '$GPGGA,123456.00,4546.1,N,00455.3,E,1,07,1.0.5'],
    ['a lone minus', '$GPGGA,123456.00,4546.1,N,00455.3,E,1,07,1.0,-'],
    ['RMC status X', '$GPRMC,123456.00,X'],
    ['RMC status of two letters', '$GPRMC,123456.00,AV'],
    ['GSA mode X', '$GPGSA,X,3'],
    ['GSA fix type 0', '$GPGSA,A,0'],
    ['GSA PRN 1000', '$GPGSA,A,3,1000'],
    ['GSA PRN -3', '$GPGSA,A,3,-3'],
  ];
  for (const [what, text] of bad) {
    it(`throws BRG_FRAME_INVALID for ${what}`, () => {
      expect(codeOf(() => decodeSentence(enc(text)))).toBe(BridgeErrorCode.FRAME_INVALID);
    });
  }

  it('reports them through the protocol decoder as ok:false, never a throw', () => {
    for (const [, text] of bad) {
      expect(nmeaDecoder.decode(enc(text))).toMatchObject({ ok: false, reason: BridgeErrorCode.FRAME_INVALID });
    }
  });
});

describe('nmeaDecoder', () => {
  it('is named nmea, splits with the default limits and decodes to plain JSON', () => {
    expect(nmeaDecoder.name).toBe('nmea');
    const splitter = nmeaDecoder.createSplitter();
    const [first] = splitter.push(enc('$GNVTG,,T,,M,0.117,N,0.216,K,A*3F\r\n'));
    expect(first?.type).toBe('frame');
    const outcome = nmeaDecoder.decode(first?.type === 'frame' ? first.frame : new Uint8Array(0));
    expect(outcome).toEqual({
      ok: true,
      message: { type: 'VTG', talker: 'GN', speedKnots: 0.117, speedKmh: 0.216, mode: 'A' },
    });
    expect(JSON.parse(JSON.stringify(outcome))).toEqual(outcome);
    expect(Object.keys(outcome.ok ? outcome.message : {})).not.toContain('courseTrueDeg');
  });
});

describe('NMEA encoders', () => {
  it('builds the checksum and CR LF', () => {
    expect(dec(frameSentence('GPTXT', ['01', '01', '02', 'ANTSTATUS=OK']))).toBe('$GPTXT,01,01,02,ANTSTATUS=OK*3B\r\n');
    expect(nmeaChecksum(enc('GPTXT,01,01,02,ANTSTATUS=OK'))).toBe(0x3b);
    expect(dec(frameSentence('PUBX', []))).toBe('$PUBX*1F\r\n');
  });

  it('writes times as hhmmss.ss, milliseconds when they need it, and a leap second as 60', () => {
    const gga = (timeMs: number) => dec(encodeGga({ type: 'GGA', talker: 'GP', timeMs })).split(',')[1];
    expect(gga(0)).toBe('000000.00');
    expect(gga(((23 * 60 + 59) * 60 + 59) * 1000 + 990)).toBe('235959.99');
    expect(gga(((13 * 60 + 56) * 60 + 54) * 1000 + 997)).toBe('135654.997');
    expect(gga(86_400_000 + 500)).toBe('235960.50');
    expect(decodeSentence(encodeGga({ type: 'GGA', talker: 'GP', timeMs: 86_400_000 }))).toMatchObject({
      timeMs: 86_400_000,
    });
  });

  it('writes coordinates as (d)ddmm.mmmm with the hemisphere, carrying rounding into the degrees', () => {
    const fields = (lat: number, lon: number) => dec(encodeGga({ type: 'GGA', talker: 'GN', lat, lon })).split(',');
    expect(fields(45.7786, 4.9217).slice(2, 6)).toEqual(['4546.7160', 'N', '00455.3020', 'E']);
    expect(fields(45 + 46.71623456 / 60, 4).slice(2, 4)).toEqual(['4546.71623456', 'N']);
    expect(fields(-0.5, -179.25).slice(2, 6)).toEqual(['0030.0000', 'S', '17915.0000', 'W']);
    expect(fields(45 + 59.999_999_999 / 60, 0).slice(2, 4)).toEqual(['4600.0000', 'N']);
  });

  it('refuses values the wire cannot carry with BRG_ENCODE_RANGE', () => {
    const range: [string, () => unknown][] = [
      ['talker', () => encodeGga({ type: 'GGA', talker: 'gp' })],
      ['lat', () => encodeGga({ type: 'GGA', talker: 'GP', lat: 91 })],
      ['lon', () => encodeRmc({ type: 'RMC', talker: 'GP', lon: Number.NaN })],
      ['timeMs', () => encodeGga({ type: 'GGA', talker: 'GP', timeMs: 1.5 })],
      ['quality', () => encodeGga({ type: 'GGA', talker: 'GP', quality: 10 })],
      ['hdop', () => encodeGga({ type: 'GGA', talker: 'GP', hdop: -1 })],
      ['status', () => encodeRmc({ type: 'RMC', talker: 'GP', status: 'X' as 'A' })],
      ['course', () => encodeRmc({ type: 'RMC', talker: 'GP', courseDeg: 361 })],
      ['date', () => encodeRmc({ type: 'RMC', talker: 'GP', date: { year: 2080, month: 1, day: 1 } })],
      ['month', () => encodeRmc({ type: 'RMC', talker: 'GP', date: { year: 2025, month: 13, day: 1 } })],
      ['day', () => encodeRmc({ type: 'RMC', talker: 'GP', date: { year: 2025, month: 1, day: 0 } })],
      ['mode', () => encodeVtg({ type: 'VTG', talker: 'GP', mode: 'AA' })],
      ['13 PRNs', () => encodeGsa({ type: 'GSA', talker: 'GP', prns: Array.from({ length: 13 }, (_, i) => i + 1) })],
      ['PRN', () => encodeGsa({ type: 'GSA', talker: 'GP', prns: [1000] })],
      ['address', () => encodeOther({ type: 'other', talker: 'GP', address: 'GP GSV', fields: [] })],
      ['comma in field', () => encodeOther({ type: 'other', talker: 'GP', address: 'GPTXT', fields: ['a,b'] })],
      ['star in field', () => encodeOther({ type: 'other', talker: 'GP', address: 'GPTXT', fields: ['a*b'] })],
      ['non-ASCII', () => frameSentence('GPTXT', ['é'])],
    ];
    for (const [what, fn] of range) expect(codeOf(fn), what).toBe(BridgeErrorCode.ENCODE_RANGE);
  });

  it('round-trips every sentence type through encodeSentence', () => {
    const all: NmeaSentence[] = [
      // Positions as a receiver prints them (degrees and decimal minutes) come back exactly.
      {
        type: 'GGA',
        talker: 'GN',
        timeMs: 1000,
        lat: 45 + 46.716 / 60,
        lon: -(4 + 55.302 / 60),
        quality: 1,
        hdop: 0.92,
      },
      { type: 'RMC', talker: 'GP', timeMs: 1000, status: 'A', date: { year: 1999, month: 8, day: 22 } },
      { type: 'GSA', talker: 'GA', selection: 'M', fixType: 2, prns: [1, 2, 3], systemId: 3 },
      { type: 'VTG', talker: 'GB', courseTrueDeg: 359.99, courseMagneticDeg: 1.5, speedKnots: 8.1, speedKmh: 15 },
      { type: 'other', talker: 'GQ', address: 'GQGSV', fields: ['1', '1', '00', '0'] },
    ];
    for (const sentence of all) expect(decodeSentence(encodeSentence(sentence))).toEqual(sentence);
  });
});

describe('parseDecimal', () => {
  it('reads signed decimals without allocating and says NaN for anything else', () => {
    const at = (text: string) => parseDecimal(enc(text), 0, text.length);
    expect(at('-21.3')).toBe(-21.3);
    expect(at('+5')).toBe(5);
    expect(at('.5')).toBe(0.5);
    expect(at('50.')).toBe(50);
    for (const text of ['', '-', '.', '1.2.3', '1e5', ' 1']) expect(at(text), text).toBeNaN();
  });
});
