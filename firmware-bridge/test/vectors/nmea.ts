import type { NmeaSentence } from '../../src/nmea/sentences.js';
import type { NmeaDiscardReason } from '../../src/nmea/splitter.js';

/**
 * Golden NMEA vectors. Almost every byte here is a real receiver's output, copied as data from
 * gpsd's regression logs (test/daemon/*.log: raw serial captures that gpsd's own test suite
 * replays), read from the GitHub mirror ntpsec/gpsd at commit 46977faa8f94eb036ca68c24a3fc0d233732e707
 * (the project lives at gitlab.com/gpsd/gpsd). Every checksum was re-computed before use; the
 * decoded values are ours, and the positions were cross-checked against the TPV reports gpsd
 * writes for the same logs (test/daemon/*.log.chk; see test/vectors/gpsd.ts).
 * The few vectors built by hand say so in their provenance.
 */
const GPSD = 'gpsd test/daemon/';

export const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
export const dec = (bytes: Uint8Array): string => new TextDecoder('latin1').decode(bytes);

export function hex(text: string): Uint8Array {
  const clean = text.replace(/[^0-9a-f]/gi, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

/** ddmm.mmmm as the receiver meant it, so expected values show where they come from. */
const dm = (degrees: number, minutes: number): number => degrees + minutes / 60;

export interface SentenceVector {
  name: string;
  provenance: string;
  /** One sentence with the line end it had in the capture. */
  line: string;
  expected: NmeaSentence;
  /** Set when the receiver breaks NMEA's 82-character limit: the splitter needs at least this. */
  maxLength?: number;
}

export interface StreamVector {
  name: string;
  provenance: string;
  text: string;
  /** Receiver epochs (GGA/RMC time changes) in the excerpt. */
  epochs: number;
}

export interface NegativeVector {
  name: string;
  provenance: string;
  bytes: Uint8Array;
  /** What the default splitter makes of it, adjacent discards of one reason merged. */
  expected: ({ frame: string } | { reason: NmeaDiscardReason; bytes: Uint8Array })[];
}

const BU353S4_LINES = [
  '$GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,1.1,59.9,M,23.7,M,,0000*7D',
  '$GPGSA,A,3,17,28,06,01,30,20,26,13,,,,,1.8,1.1,1.5*33',
  '$GPRMC,030719.000,A,3747.0873,S,17518.8938,E,0.69,181.39,311214,,,A*7D',
  '$GPGGA,030720.000,3747.0875,S,17518.8938,E,1,08,1.1,59.8,M,23.7,M,,0000*70',
  '$GPGSA,A,3,17,28,06,01,30,20,26,13,,,,,1.8,1.1,1.5*33',
  '$GPRMC,030720.000,A,3747.0875,S,17518.8938,E,1.15,181.39,311214,,,A*7B',
  '$GPGGA,030721.000,3747.0876,S,17518.8934,E,1,08,1.1,60.1,M,23.7,M,,0000*7D',
  '$GPGSA,A,3,17,28,06,01,30,20,26,13,,,,,1.8,1.1,1.5*33',
  '$GPGSV,3,1,12,17,72,207,32,28,59,095,31,06,35,347,25,01,29,132,23*7B',
  '$GPGSV,3,2,12,30,23,011,29,20,17,069,20,26,09,293,23,13,07,304,10*7C',
  '$GPGSV,3,3,12,11,12,132,04,08,38,008,,02,35,348,,03,14,091,*73',
  '$GPRMC,030721.000,A,3747.0876,S,17518.8934,E,0.89,181.39,311214,,,A*71',
  '$GPGGA,030722.000,3747.0877,S,17518.8933,E,1,08,1.1,60.1,M,23.7,M,,0000*78',
  '$GPGSA,A,3,17,28,06,01,30,20,26,13,,,,,1.8,1.1,1.5*33',
  '$GPRMC,030722.000,A,3747.0877,S,17518.8933,E,0.12,181.39,311214,,,A*76',
  '$GPGGA,030723.000,3747.0878,S,17518.8935,E,1,08,1.1,60.0,M,23.7,M,,0000*71',
  '$GPGSA,A,3,17,28,06,01,30,20,26,13,,,,,1.8,1.1,1.5*33',
  '$GPRMC,030723.000,A,3747.0878,S,17518.8935,E,0.66,181.39,311214,,,A*7D',
  '$GPGGA,030724.000,3747.0878,S,17518.8936,E,1,08,1.1,60.1,M,23.7,M,,0000*74',
  '$GPGSA,A,3,17,28,06,01,30,20,26,13,,,,,1.8,1.1,1.5*33',
  '$GPRMC,030724.000,A,3747.0878,S,17518.8936,E,0.32,181.39,311214,,,A*78',
  '$GPGGA,030725.000,3747.0878,S,17518.8936,E,1,08,1.1,60.2,M,23.7,M,,0000*76',
  '$GPGSA,A,3,17,28,06,01,30,20,26,13,,,,,1.8,1.1,1.5*33',
  '$GPRMC,030725.000,A,3747.0878,S,17518.8936,E,0.00,181.39,311214,,,A*78',
  '$GPGGA,030726.000,3747.0877,S,17518.8936,E,1,08,1.1,60.6,M,23.7,M,,0000*7E',
  '$GPGSA,A,3,17,28,06,01,30,20,26,13,,,,,1.8,1.1,1.5*33',
  '$GPGSV,3,1,12,17,72,207,32,28,59,095,30,06,35,347,25,01,29,132,23*7A',
  '$GPGSV,3,2,12,30,23,011,29,20,17,069,20,26,09,293,23,13,07,304,10*7C',
  '$GPGSV,3,3,12,11,12,132,04,08,38,008,,02,35,348,,03,14,091,*73',
  '$GPRMC,030726.000,A,3747.0877,S,17518.8936,E,0.59,181.39,311214,,,A*78',
  '$GPGGA,030727.000,3747.0877,S,17518.8938,E,1,08,1.1,60.8,M,23.7,M,,0000*7F',
  '$GPGSA,A,3,17,28,06,01,30,20,26,13,,,,,1.8,1.1,1.5*33',
  '$GPRMC,030727.000,A,3747.0877,S,17518.8938,E,0.29,181.39,311214,,,A*70',
  '$GPGGA,030728.000,3747.0878,S,17518.8940,E,1,08,1.1,60.5,M,23.7,M,,0000*7D',
  '$GPGSA,A,3,17,28,06,01,30,20,26,13,,,,,1.8,1.1,1.5*33',
  '$GPRMC,030728.000,A,3747.0878,S,17518.8940,E,0.52,181.39,311214,,,A*73',
];

const NEO_M8N_LINES = [
  '$GNRMC,171926.00,A,4404.14063,N,12118.85478,W,0.117,,180315,,,A*76',
  '$GNVTG,,T,,M,0.117,N,0.216,K,A*3F',
  '$GNGGA,171926.00,4404.14063,N,12118.85478,W,1,12,0.91,1147.2,M,-21.3,M,,*44',
  '$GNGSA,A,3,01,11,31,14,22,32,04,25,03,,,,1.56,0.91,1.27*15',
  '$GNGSA,A,3,67,83,76,82,68,,,,,,,,1.56,0.91,1.27*1D',
  '$GPGSV,4,1,13,01,53,280,36,03,29,301,24,04,55,223,37,08,38,166,16*7C',
  '$GPGSV,4,2,13,11,40,245,29,12,05,034,,14,43,055,30,17,06,324,*74',
  '$GPGSV,4,3,13,22,24,112,25,23,08,249,,25,12,069,22,31,58,133,24*7A',
  '$GPGSV,4,4,13,32,76,331,31*48',
  '$GLGSV,3,1,10,66,37,078,26,67,62,349,26,68,20,296,24,75,04,018,*6E',
  '$GLGSV,3,2,10,76,43,057,25,77,43,139,26,78,04,176,19,82,25,245,25*64',
  '$GLGSV,3,3,10,83,27,309,29,84,01,353,*63',
  '$GNGLL,4404.14063,N,12118.85478,W,171926.00,A,A*66',
  '$GNRMC,171927.00,A,4404.14058,N,12118.85475,W,0.084,,180315,,,A*79',
  '$GNVTG,,T,,M,0.084,N,0.156,K,A*33',
  '$GNGGA,171927.00,4404.14058,N,12118.85475,W,1,12,0.91,1147.0,M,-21.3,M,,*42',
  '$GNGSA,A,3,01,11,31,14,22,32,04,25,03,,,,1.56,0.91,1.27*15',
  '$GNGSA,A,3,67,83,76,82,68,,,,,,,,1.56,0.91,1.27*1D',
  '$GPGSV,4,1,13,01,53,280,36,03,29,301,23,04,55,223,37,08,38,166,15*78',
  '$GPGSV,4,2,13,11,40,245,29,12,05,034,,14,43,055,29,17,06,324,*7C',
  '$GPGSV,4,3,13,22,24,112,24,23,08,249,,25,12,069,21,31,58,133,23*7F',
  '$GPGSV,4,4,13,32,76,331,30*49',
  '$GLGSV,3,1,10,66,37,078,26,67,62,349,26,68,20,296,23,75,04,018,*69',
  '$GLGSV,3,2,10,76,43,057,24,77,43,139,25,78,04,176,18,82,25,245,25*67',
  '$GLGSV,3,3,10,83,27,309,30,84,01,353,*6B',
  '$GNGLL,4404.14058,N,12118.85475,W,171927.00,A,A*62',
];

const QUECTEL_L76K_LINES = [
  '$GNGGA,055234.200,4739.71890,N,12219.58362,W,1,14,0.9,76.5,M,-21.6,M,,*4A',
  '$GNGLL,4739.71890,N,12219.58362,W,055234.200,A,A*5F',
  '$GNGSA,A,3,02,07,14,15,17,20,22,30,,,,,1.5,0.9,1.2,1*3C',
  '$GNGSA,A,3,13,27,37,,,,,,,,,,1.5,0.9,1.2,4*39',
  '$GNGSA,A,3,73,84,83,,,,,,,,,,1.5,0.9,1.2,2*3F',
  '$GPGSV,3,1,12,01,17,083,03,02,20,056,27,07,18,123,25,08,,,15,0*58',
  '$GPGSV,3,2,12,14,79,041,29,15,31,297,21,17,54,166,28,19,24,192,23,0*62',
  '$GPGSV,3,3,12,20,47,263,22,22,78,280,15,24,07,305,,30,57,127,31,0*61',
  '$BDGSV,1,1,03,13,19,043,17,27,38,127,33,37,36,091,24,0*49',
  '$GLGSV,3,1,10,74,52,302,,82,25,034,33,73,59,049,31,80,10,081,21,0*71',
  '$GLGSV,3,2,10,75,07,276,,65,19,333,,84,12,149,26,83,37,097,19,0*79',
  '$GLGSV,3,3,10,71,23,216,,72,43,277,,0*7A',
  '$GNRMC,055234.200,A,4739.71890,N,12219.58362,W,0.00,286.35,050826,,,A,V*11',
  '$GNVTG,286.35,T,,M,0.00,N,0.00,K,A*29',
  '$GNZDA,055234.200,05,08,2026,00,00*44',
  '$GPTXT,01,01,01,ANTENNA OK*35',
  '$GNGGA,055234.400,4739.71890,N,12219.58361,W,1,14,0.9,76.5,M,-21.6,M,,*4F',
  '$GNGLL,4739.71890,N,12219.58361,W,055234.400,A,A*5A',
  '$GNGSA,A,3,02,07,14,15,17,20,22,30,,,,,1.5,0.9,1.2,1*3C',
  '$GNGSA,A,3,13,27,37,,,,,,,,,,1.5,0.9,1.2,4*39',
  '$GNGSA,A,3,73,84,83,,,,,,,,,,1.5,0.9,1.2,2*3F',
  '$GPGSV,3,1,12,01,17,083,03,02,20,056,27,07,18,123,25,08,,,15,0*58',
  '$GPGSV,3,2,12,14,79,041,29,15,31,297,21,17,54,166,28,19,24,192,23,0*62',
  '$GPGSV,3,3,12,20,47,263,22,22,78,280,15,24,07,305,,30,57,127,31,0*61',
  '$BDGSV,1,1,03,13,19,043,17,27,38,127,33,37,36,091,24,0*49',
  '$GLGSV,3,1,11,74,52,302,,66,,,38,82,25,034,33,73,59,049,31,0*48',
  '$GLGSV,3,2,11,80,10,081,21,75,07,276,,65,19,333,,84,12,149,26,0*72',
  '$GLGSV,3,3,11,83,37,097,19,71,23,216,,72,43,277,,0*42',
  '$GNRMC,055234.400,A,4739.71890,N,12219.58361,W,0.00,286.35,050826,,,A,V*14',
  '$GNVTG,286.35,T,,M,0.00,N,0.00,K,A*29',
  '$GNZDA,055234.400,05,08,2026,00,00*42',
];

const TELIT_PLS83_LINES = [
  '$GPGGA,043539.00,4333.190206,N,00127.618380,E,1,05,1.3,250.8,M,50.0,M,,*62',
  '$GAGGA,043539.00,4333.190206,N,00127.618380,E,1,01,1.3,250.8,M,50.0,M,,*77',
  '$GNGNS,043539.00,4333.190206,N,00127.618380,E,AAAAN,14,1.3,250.8,50.0,,,V*62',
  '$GPVTG,,T,1.7,M,0.0,N,0.0,K,A*0B',
  '$GAVTG,,T,1.7,M,0.0,N,0.0,K,A*1A',
  '$GPRMC,043539.00,A,4333.190206,N,00127.618380,E,0.0,,040925,1.7,W,A,V*7C',
  '$GARMC,043539.00,A,4333.190206,N,00127.618380,E,0.0,,040925,1.7,W,A,V*6D',
  '$GNGSA,A,2,02,08,10,23,27,,,,,,,,1.6,1.3,0.9,1*33',
  '$GNGSA,A,2,65,66,73,81,82,,,,,,,,1.6,1.3,0.9,2*3B',
  '$GNGSA,A,2,33,,,,,,,,,,,,1.6,1.3,0.9,3*3E',
  '$GNGSA,A,2,208,211,213,,,,,,,,,,1.6,1.3,0.9,4*01',
  '$GNGSA,A,2,,,,,,,,,,,,,1.6,1.3,0.9,5*38',
  '$GLGSV,3,1,10,66,40,075,48,82,56,327,48,73,22,320,34,80,37,257,18,1*75',
  '$GLGSV,3,2,10,79,12,205,20,65,16,026,43,83,16,281,17,81,45,054,46,1*7D',
  '$GLGSV,3,3,10,67,23,143,22,88,00,084,,1*73',
  '$BDGSV,2,1,05,08,09,030,39,11,40,081,42,13,17,036,43,21,,,49,4*4D',
  '$BDGSV,2,2,05,14,39,136,,4*4E',
  '$GAGSV,4,1,13,33,53,047,47,07,08,039,,10,36,258,,11,10,251,,7*7B',
  '$GAGSV,4,2,13,12,60,272,,16,33,306,,19,04,133,,23,01,161,,7*7C',
  '$GAGSV,4,3,13,24,51,278,,25,13,320,,26,06,063,,29,14,090,,7*7D',
  '$GAGSV,4,4,13,31,41,192,,7*4C',
  '$GPGSV,3,1,10,02,51,278,26,07,00,274,18,08,77,310,32,10,52,060,50,1*69',
  '$GPGSV,3,2,10,14,,,30,23,13,040,43,27,62,118,24,32,17,111,20,1*59',
  '$GPGSV,3,3,10,16,24,180,,30,00,300,,1*6D',
];

const BT451_LINES = [
  '$GPTXT,01,01,02,u-blox ag - www.u-blox.com*50',
  '$GPTXT,01,01,02,ANTARIS ATR062x HW 80040001*26',
  '$GPTXT,01,01,02,ROM CORE       5.00    Jan 09 2006 12:00:00*76',
  '$GPTXT,01,01,02,LIC 1EBF-BD07-E83D-6BE1-0F7A*50',
  '$GPTXT,01,01,02,ANTSUPERV=AC SD OD PDoS *0A',
  '$GPTXT,01,01,02,ANTSTATUS=OK*3B',
  '$GPRMC,,V,,,,,,,,,,N*53',
  '$GPVTG,,,,,,,,,N*30',
  '$GPGGA,,,,,,0,00,99.99,,,,,,*48',
  '$GPGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99*30',
  '$GPGSV,1,1,00*79',
  '$GPGLL,,,,,,V,N*64',
  '$GPZDA,,,,,00,00*48',
  '$GPRMC,,V,,,,,,,,,,N*53',
  '$GPVTG,,,,,,,,,N*30',
  '$GPGGA,,,,,,0,00,99.99,,,,,,*48',
  '$GPGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99*30',
  '$GPGSV,1,1,00*79',
  '$GPGLL,,,,,,V,N*64',
  '$GPZDA,,,,,00,00*48',
];

const BU353S4 = `${GPSD}bu353s4.log (GlobalSat BU-353-S4, SiRF IV, Hamilton NZ, 2014-12-31)`;
const NEO_M8N = `${GPSD}neo-m8n.log (BN-880, u-blox NEO-M8N, Oregon, 2015-03-18)`;
const QUECTEL_L76K = `${GPSD}quectel-l76k-nmea.log (Quectel L76K, NMEA 4.11 with system ids, Seattle, 2026-08-04)`;
const CH_4711 = `${GPSD}ch-4711.log (CH-4711 GLONASS mouse, Moscow, 2009-12-05)`;
const TELIT_PLS83 = `${GPSD}telit-pls83-w.log (Telit PLS83-W, near Toulouse, 2025-09-04; lines end CR CR LF)`;
const SKYTRAQ_DGPS = `${GPSD}skytraq-dgps.log (Skytraq S2525F8-BD-RTK, DGPS fix, Bend OR, 2016-04-07)`;
const ZED_F9P = `${GPSD}ublox-zed-f9p-nmea.log (u-blox ZED-F9P, Dunedin NZ, 2019-04-12)`;
const BT451 = `${GPSD}bt451.log (BT-451, u-blox ANTARIS, indoors without a fix, 2009-12-09)`;
const BEIDOU_BD = `${GPSD}beidou-bd.log (SiRF-TriG, 2015-02-25)`;
const CONSTRUCTED = 'constructed by hand (no public capture of this talker on this sentence was found)';

export const sentenceVectors: SentenceVector[] = [
  {
    name: 'GGA, GPS talker, southern and eastern hemispheres',
    provenance: BU353S4,
    line: '$GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,1.1,59.9,M,23.7,M,,0000*7D\n',
    expected: {
      type: 'GGA',
      talker: 'GP',
      timeMs: ((3 * 60 + 7) * 60 + 19) * 1000,
      lat: -dm(37, 47.0873),
      lon: dm(175, 18.8938),
      quality: 1,
      satellites: 8,
      hdop: 1.1,
      altitudeM: 59.9,
      geoidSeparationM: 23.7,
    },
  },
  {
    name: 'GSA, 3D fix, 8 satellites',
    provenance: BU353S4,
    line: '$GPGSA,A,3,17,28,06,01,30,20,26,13,,,,,1.8,1.1,1.5*33\n',
    expected: {
      type: 'GSA',
      talker: 'GP',
      selection: 'A',
      fixType: 3,
      prns: [17, 28, 6, 1, 30, 20, 26, 13],
      pdop: 1.8,
      hdop: 1.1,
      vdop: 1.5,
    },
  },
  {
    name: 'RMC, valid, with date',
    provenance: BU353S4,
    line: '$GPRMC,030719.000,A,3747.0873,S,17518.8938,E,0.69,181.39,311214,,,A*7D\n',
    expected: {
      type: 'RMC',
      talker: 'GP',
      timeMs: ((3 * 60 + 7) * 60 + 19) * 1000,
      status: 'A',
      lat: -dm(37, 47.0873),
      lon: dm(175, 18.8938),
      speedKnots: 0.69,
      courseDeg: 181.39,
      date: { year: 2014, month: 12, day: 31 },
      mode: 'A',
    },
  },
  {
    name: 'GSV, kept as raw fields',
    provenance: BU353S4,
    line: '$GPGSV,3,1,12,17,72,207,32,28,59,095,31,06,35,347,25,01,29,132,23*7B\n',
    expected: {
      type: 'other',
      talker: 'GP',
      address: 'GPGSV',
      fields: '3,1,12,17,72,207,32,28,59,095,31,06,35,347,25,01,29,132,23'.split(','),
    },
  },
  {
    name: 'RMC, combined talker, empty course while nearly stopped',
    provenance: NEO_M8N,
    line: '$GNRMC,171926.00,A,4404.14063,N,12118.85478,W,0.117,,180315,,,A*76\r\n',
    expected: {
      type: 'RMC',
      talker: 'GN',
      timeMs: ((17 * 60 + 19) * 60 + 26) * 1000,
      status: 'A',
      lat: dm(44, 4.14063),
      lon: -dm(121, 18.85478),
      speedKnots: 0.117,
      date: { year: 2015, month: 3, day: 18 },
      mode: 'A',
    },
  },
  {
    name: 'VTG with empty courses',
    provenance: NEO_M8N,
    line: '$GNVTG,,T,,M,0.117,N,0.216,K,A*3F\r\n',
    expected: { type: 'VTG', talker: 'GN', speedKnots: 0.117, speedKmh: 0.216, mode: 'A' },
  },
  {
    name: 'GGA, combined talker, negative geoid separation',
    provenance: NEO_M8N,
    line: '$GNGGA,171926.00,4404.14063,N,12118.85478,W,1,12,0.91,1147.2,M,-21.3,M,,*44\r\n',
    expected: {
      type: 'GGA',
      talker: 'GN',
      timeMs: ((17 * 60 + 19) * 60 + 26) * 1000,
      lat: dm(44, 4.14063),
      lon: -dm(121, 18.85478),
      quality: 1,
      satellites: 12,
      hdop: 0.91,
      altitudeM: 1147.2,
      geoidSeparationM: -21.3,
    },
  },
  {
    name: 'GSA listing GLONASS satellites',
    provenance: NEO_M8N,
    line: '$GNGSA,A,3,67,83,76,82,68,,,,,,,,1.56,0.91,1.27*1D\r\n',
    expected: {
      type: 'GSA',
      talker: 'GN',
      selection: 'A',
      fixType: 3,
      prns: [67, 83, 76, 82, 68],
      pdop: 1.56,
      hdop: 0.91,
      vdop: 1.27,
    },
  },
  {
    name: 'RMC, NMEA 4.11 (navigational status field), 5 Hz time',
    provenance: QUECTEL_L76K,
    line: '$GNRMC,055234.200,A,4739.71890,N,12219.58362,W,0.00,286.35,050826,,,A,V*11\n',
    expected: {
      type: 'RMC',
      talker: 'GN',
      timeMs: ((5 * 60 + 52) * 60 + 34) * 1000 + 200,
      status: 'A',
      lat: dm(47, 39.7189),
      lon: -dm(122, 19.58362),
      speedKnots: 0,
      courseDeg: 286.35,
      date: { year: 2026, month: 8, day: 5 },
      mode: 'A',
    },
  },
  {
    name: 'VTG with a true course',
    provenance: QUECTEL_L76K,
    line: '$GNVTG,286.35,T,,M,0.00,N,0.00,K,A*29\n',
    expected: { type: 'VTG', talker: 'GN', courseTrueDeg: 286.35, speedKnots: 0, speedKmh: 0, mode: 'A' },
  },
  {
    name: 'GSA with NMEA 4.10 system id (4 = BeiDou)',
    provenance: QUECTEL_L76K,
    line: '$GNGSA,A,3,13,27,37,,,,,,,,,,1.5,0.9,1.2,4*39\n',
    expected: {
      type: 'GSA',
      talker: 'GN',
      selection: 'A',
      fixType: 3,
      prns: [13, 27, 37],
      pdop: 1.5,
      hdop: 0.9,
      vdop: 1.2,
      systemId: 4,
    },
  },
  {
    name: 'GGA, GLONASS talker, millisecond time',
    provenance: CH_4711,
    line: '$GLGGA,135654.997,5543.0328,N,03724.7197,E,1,04,02.3,165.6,M,14.6,M,,*71\n',
    expected: {
      type: 'GGA',
      talker: 'GL',
      timeMs: ((13 * 60 + 56) * 60 + 54) * 1000 + 997,
      lat: dm(55, 43.0328),
      lon: dm(37, 24.7197),
      quality: 1,
      satellites: 4,
      hdop: 2.3,
      altitudeM: 165.6,
      geoidSeparationM: 14.6,
    },
  },
  {
    name: 'RMC, GLONASS talker',
    provenance: CH_4711,
    line: '$GLRMC,135654.997,A,5543.0328,N,03724.7197,E,00.00,129.5,051209,,,A*71\n',
    expected: {
      type: 'RMC',
      talker: 'GL',
      timeMs: ((13 * 60 + 56) * 60 + 54) * 1000 + 997,
      status: 'A',
      lat: dm(55, 43.0328),
      lon: dm(37, 24.7197),
      speedKnots: 0,
      courseDeg: 129.5,
      date: { year: 2009, month: 12, day: 5 },
      mode: 'A',
    },
  },
  {
    name: 'GSA, GLONASS talker, 2D fix',
    provenance: CH_4711,
    line: '$GLGSA,A,2,67,84,83,75,,,,,,,,,02.5,02.3,01.0*1C\n',
    expected: {
      type: 'GSA',
      talker: 'GL',
      selection: 'A',
      fixType: 2,
      prns: [67, 84, 83, 75],
      pdop: 2.5,
      hdop: 2.3,
      vdop: 1,
    },
  },
  {
    name: 'GGA, Galileo talker, six decimals of minutes',
    provenance: TELIT_PLS83,
    line: '$GAGGA,043539.00,4333.190206,N,00127.618380,E,1,01,1.3,250.8,M,50.0,M,,*77\r\r\n',
    expected: {
      type: 'GGA',
      talker: 'GA',
      timeMs: ((4 * 60 + 35) * 60 + 39) * 1000,
      lat: dm(43, 33.190206),
      lon: dm(1, 27.61838),
      quality: 1,
      satellites: 1,
      hdop: 1.3,
      altitudeM: 250.8,
      geoidSeparationM: 50,
    },
  },
  {
    name: 'VTG, Galileo talker, magnetic course only',
    provenance: TELIT_PLS83,
    line: '$GAVTG,,T,1.7,M,0.0,N,0.0,K,A*1A\r\r\n',
    expected: { type: 'VTG', talker: 'GA', courseMagneticDeg: 1.7, speedKnots: 0, speedKmh: 0, mode: 'A' },
  },
  {
    name: 'RMC, Galileo talker, westerly magnetic variation',
    provenance: TELIT_PLS83,
    line: '$GARMC,043539.00,A,4333.190206,N,00127.618380,E,0.0,,040925,1.7,W,A,V*6D\r\r\n',
    expected: {
      type: 'RMC',
      talker: 'GA',
      timeMs: ((4 * 60 + 35) * 60 + 39) * 1000,
      status: 'A',
      lat: dm(43, 33.190206),
      lon: dm(1, 27.61838),
      speedKnots: 0,
      date: { year: 2025, month: 9, day: 4 },
      magneticVariationDeg: -1.7,
      mode: 'A',
    },
  },
  {
    name: 'GSA, BeiDou talker BD, three-digit PRN',
    provenance: SKYTRAQ_DGPS,
    line: '$BDGSA,A,3,214,,,,,,,,,,,,2.5,1.2,2.2*10\n',
    expected: { type: 'GSA', talker: 'BD', selection: 'A', fixType: 3, prns: [214], pdop: 2.5, hdop: 1.2, vdop: 2.2 },
  },
  {
    name: 'GGA, DGPS fix, seven decimals of minutes, three of altitude',
    provenance: SKYTRAQ_DGPS,
    line: '$GPGGA,213121.000,4404.1295864,N,12118.8685453,W,2,07,1.2,1102.537,M,-20.300,M,,0000*5F\n',
    maxLength: 89,
    expected: {
      type: 'GGA',
      talker: 'GP',
      timeMs: ((21 * 60 + 31) * 60 + 21) * 1000,
      lat: dm(44, 4.1295864),
      lon: -dm(121, 18.8685453),
      quality: 2,
      satellites: 7,
      hdop: 1.2,
      altitudeM: 1102.537,
      geoidSeparationM: -20.3,
    },
  },
  {
    name: 'GSV, BeiDou talker GB, signal id field',
    provenance: ZED_F9P,
    line: '$GBGSV,3,1,10,01,29,321,,03,12,292,,04,37,345,,08,49,229,27,1*7D\n',
    expected: {
      type: 'other',
      talker: 'GB',
      address: 'GBGSV',
      fields: '3,1,10,01,29,321,,03,12,292,,04,37,345,,08,49,229,27,1'.split(','),
    },
  },
  {
    name: 'cold start: RMC with every field empty',
    provenance: BT451,
    line: '$GPRMC,,V,,,,,,,,,,N*53\r\n',
    expected: { type: 'RMC', talker: 'GP', status: 'V', mode: 'N' },
  },
  {
    name: 'cold start: VTG without units',
    provenance: BT451,
    line: '$GPVTG,,,,,,,,,N*30\r\n',
    expected: { type: 'VTG', talker: 'GP', mode: 'N' },
  },
  {
    name: 'cold start: GGA, quality 0, HDOP 99.99',
    provenance: BT451,
    line: '$GPGGA,,,,,,0,00,99.99,,,,,,*48\r\n',
    expected: { type: 'GGA', talker: 'GP', quality: 0, satellites: 0, hdop: 99.99 },
  },
  {
    name: 'cold start: GSA, no fix, no satellites',
    provenance: BT451,
    line: '$GPGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99*30\r\n',
    expected: {
      type: 'GSA',
      talker: 'GP',
      selection: 'A',
      fixType: 1,
      prns: [],
      pdop: 99.99,
      hdop: 99.99,
      vdop: 99.99,
    },
  },
  {
    name: 'proprietary SiRF sentence',
    provenance: BEIDOU_BD,
    line: '$PSRFEPE,074150.799,V,,,,,*23\r\n',
    expected: { type: 'other', talker: 'P', address: 'PSRFEPE', fields: ['074150.799', 'V', '', '', '', '', ''] },
  },
  {
    name: 'GSA, QZSS talker GQ, system id 5',
    provenance: CONSTRUCTED,
    line: '$GQGSA,A,3,02,03,07,,,,,,,,,,1.9,1.1,1.6,5*23\r\n',
    expected: {
      type: 'GSA',
      talker: 'GQ',
      selection: 'A',
      fixType: 3,
      prns: [2, 3, 7],
      pdop: 1.9,
      hdop: 1.1,
      vdop: 1.6,
      systemId: 5,
    },
  },
  {
    name: 'GGA, BeiDou talker GB, in Vaulx-en-Velin',
    provenance: CONSTRUCTED,
    line: '$GBGGA,101530.00,4546.71600,N,00455.30200,E,1,07,1.05,171.8,M,49.6,M,,*49\r\n',
    expected: {
      type: 'GGA',
      talker: 'GB',
      timeMs: ((10 * 60 + 15) * 60 + 30) * 1000,
      lat: dm(45, 46.716),
      lon: dm(4, 55.302),
      quality: 1,
      satellites: 7,
      hdop: 1.05,
      altitudeM: 171.8,
      geoidSeparationM: 49.6,
    },
  },
  {
    name: 'RMC, BeiDou talker GB, riding at 15 km/h',
    provenance: CONSTRUCTED,
    line: '$GBRMC,101530.00,A,4546.71600,N,00455.30200,E,8.093,181.25,120625,,,A,V*09\r\n',
    expected: {
      type: 'RMC',
      talker: 'GB',
      timeMs: ((10 * 60 + 15) * 60 + 30) * 1000,
      status: 'A',
      lat: dm(45, 46.716),
      lon: dm(4, 55.302),
      speedKnots: 8.093,
      courseDeg: 181.25,
      date: { year: 2025, month: 6, day: 12 },
      mode: 'A',
    },
  },
];

const crlf = (lines: readonly string[], eol = '\r\n'): string => lines.map((line) => line + eol).join('');

/** Real stretches of receiver output, for the splitter, the receiver and the benchmark. */
export const streamVectors: StreamVector[] = [
  {
    name: 'SiRF IV, GGA/GSA/RMC with GSV every 5 s (LF line ends, as gpsd stores the log)',
    provenance: BU353S4,
    text: crlf(BU353S4_LINES, '\n'),
    epochs: 10,
  },
  {
    name: 'u-blox NEO-M8N, GN talker, RMC/VTG/GGA/2×GSA plus GSV and GLL',
    provenance: NEO_M8N,
    text: crlf(NEO_M8N_LINES),
    epochs: 2,
  },
  {
    name: 'Quectel L76K at 5 Hz, three GSAs with system ids, ZDA and TXT',
    provenance: QUECTEL_L76K,
    text: crlf(QUECTEL_L76K_LINES, '\n'),
    epochs: 2,
  },
  {
    name: 'Telit PLS83-W, GGA/VTG/RMC from two talkers each, CR CR LF line ends',
    provenance: TELIT_PLS83,
    text: crlf(TELIT_PLS83_LINES, '\r\r\n'),
    epochs: 1,
  },
  {
    name: 'u-blox ANTARIS cold start indoors: TXT banner, then empty fields',
    provenance: BT451,
    text: crlf(BT451_LINES),
    epochs: 2,
  },
];

/** The BU-353-S4 stretch above, one epoch per entry, for the gpsd cross-check. */
export const bu353s4Lines: readonly string[] = BU353S4_LINES;

const F9P_BINARY = `${GPSD}ublox-zed-f9p_hpg1.11.log (u-blox ZED-F9P, UBX binary and NMEA mixed)`;

export const negativeVectors: NegativeVector[] = [
  {
    name: 'GSV with bytes lost on the line',
    provenance: `${GPSD}com-1289.log (Fastrax iTrax03)`,
    bytes: enc('$GPGSV,3,3,11,24,51,098,,110,50,31,60,230,46*4B\n'),
    expected: [{ reason: 'bad-checksum', bytes: enc('$GPGSV,3,3,11,24,51,098,,110,50,31,60,230,46*4B\n') }],
  },
  {
    name: 'GGA whose firmware computed the checksum over other bytes',
    provenance: `${GPSD}firefly-II.log (every GGA in that log carries a wrong checksum)`,
    bytes: enc('$GPGGA,005947.00,3715.6616,N,12157.6709,W,,11,0.8,86.0,M,-30.1,M,,*54\r\n'),
    expected: [
      {
        reason: 'bad-checksum',
        bytes: enc('$GPGGA,005947.00,3715.6616,N,12157.6709,W,,11,0.8,86.0,M,-30.1,M,,*54\r\n'),
      },
    ],
  },
  {
    name: 'checksum cut to one digit, then the sentence again in full',
    provenance: `${GPSD}garmin48.log`,
    bytes: enc(
      '$GPGSV,3,1,11,01,78,221,47,03,09,042,00,04,05,242,00,06,04,149,00*7\r\n' +
        '$GPGSV,3,1,11,01,78,221,47,03,09,042,00,04,05,242,00,06,04,149,00*70\r\n',
    ),
    expected: [
      { reason: 'bad-checksum', bytes: enc('$GPGSV,3,1,11,01,78,221,47,03,09,042,00,04,05,242,00,06,04,149,00*7\r\n') },
      { frame: '$GPGSV,3,1,11,01,78,221,47,03,09,042,00,04,05,242,00,06,04,149,00*70\r\n' },
    ],
  },
  {
    name: 'terminal escape codes inside a GSA',
    provenance: `${GPSD}et-332.log`,
    bytes: enc(
      '$GPGSA,A,3,26,15,21,27,24,09,18,05,29,,,,1.9,1.3,1.4*3\x1b[H\x1b[J\x1b[H\x1b[J\x1b[H\x1b[J3\n' +
        '$GPRMC,153359.000,A,3940.6985,N,07544.9359,W,0.12,206.85,230410,,*1F\n',
    ),
    expected: [
      {
        reason: 'garbage',
        bytes: enc('$GPGSA,A,3,26,15,21,27,24,09,18,05,29,,,,1.9,1.3,1.4*3\x1b[H\x1b[J\x1b[H\x1b[J\x1b[H\x1b[J3\n'),
      },
      { frame: '$GPRMC,153359.000,A,3940.6985,N,07544.9359,W,0.12,206.85,230410,,*1F\n' },
    ],
  },
  {
    name: 'a proprietary sentence injected into the middle of a GSV',
    provenance: `${GPSD}isync.log (Spectratime iSync; the log notes such collisions are observed in practice)`,
    bytes: enc('$GPGSV,4,1,15,02,11,115,36,0$PTNTA,20160203131539,2,T4,000000066,+107,3,0,3*18\n'),
    expected: [
      { reason: 'bad-end', bytes: enc('$GPGSV,4,1,15,02,11,115,36,0') },
      { frame: '$PTNTA,20160203131539,2,T4,000000066,+107,3,0,3*18\n' },
    ],
  },
  {
    name: 'a GGA cut short by the next sentence',
    provenance: `${GPSD}triton400.log`,
    bytes: enc('$GPGGA,030130$GPGLL,2638.1728,N,08011.3893,W,030131.000,A,A*41\n'),
    expected: [
      { reason: 'bad-end', bytes: enc('$GPGGA,030130') },
      { frame: '$GPGLL,2638.1728,N,08011.3893,W,030131.000,A,A*41\n' },
    ],
  },
  {
    name: 'a GGA truncated before its checksum',
    provenance: `${GPSD}holux-gm-210.log`,
    bytes: enc('$GPGGA,012530.562,4131.7353,N,09336.8150,W,0,00,50.\n'),
    expected: [{ reason: 'missing-checksum', bytes: enc('$GPGGA,012530.562,4131.7353,N,09336.8150,W,0,00,50.\n') }],
  },
  {
    name: 'a doubled $',
    provenance: `${GPSD}st-teseo-liv4f.log (ST Teseo LIV4F: every GNGSA starts with $$)`,
    bytes: enc('$$GNGSA,A,3,44,34,25,11,19,23,38,,,,,,2.5,1.7,1.8,4*3E\n'),
    expected: [
      { reason: 'bad-end', bytes: enc('$') },
      { frame: '$GNGSA,A,3,44,34,25,11,19,23,38,,,,,,2.5,1.7,1.8,4*3E\n' },
    ],
  },
  {
    name: 'a 93-character GGA, past the 82 NMEA allows',
    provenance: `${GPSD}cat-ms352.log (Caterpillar MS352, eight decimals of minutes)`,
    bytes: enc('$GPGGA,113938.50,3842.86006889,N,11705.43645510,W,2,09,1.5,1864.182,M,-44.296,M,1.4,0000*45\n'),
    expected: [
      {
        reason: 'too-long',
        bytes: enc('$GPGGA,113938.50,3842.86006889,N,11705.43645510,W,2,09,1.5,1864.182,M,-44.296,M,1.4,0000*45\n'),
      },
    ],
  },
  {
    name: 'UBX binary (with a 0x24 inside) right before an RMC',
    provenance: `${F9P_BINARY}, bytes 604–772 and the line after`,
    bytes: Uint8Array.from([
      ...hex(
        '03 00 F4 97 23 05 04 08 07 00 E1 C2 0F 9A E9 D7 71 41 65 00 DD AA F7 90 92 41 AE 79 87 C4 06 11' +
          '02 0B 04 42 1D 08 06 08 07 00 E4 29 97 56 AD D3 71 41 42 83 E1 1E 3D 7F 92 41 CB 5B 0D C4 06 02' +
          '02 03 A8 93 23 07 04 08 07 00 E3 37 1F 7A 32 CF 74 41 2A 2A C6 22 F4 A8 95 41 34 09 D6 44 06 03' +
          '02 0C 04 42 1C 07 09 08 07 00 CC 02 FF DE E4 16 74 41 D9 67 3C B4 1A DA 94 41 D5 2A E3 44 06 12' +
          '02 04 E0 8D 24 07 03 08 07 00 0F AA B5 62 01 22 14 00 A8 71 08 1A 4A 7F 05 00 F8 02 00 00 10 00' +
          '00 00 80 04 00 00 CE 44',
      ),
      ...enc('$GNRMC,011903.00,A,4552.65550,S,17030.00756,E,0.214,,120419,,,A,V*0F\r\n'),
    ]),
    expected: [
      {
        reason: 'garbage',
        bytes: hex(
          '03 00 F4 97 23 05 04 08 07 00 E1 C2 0F 9A E9 D7 71 41 65 00 DD AA F7 90 92 41 AE 79 87 C4 06 11' +
            '02 0B 04 42 1D 08 06 08 07 00 E4 29 97 56 AD D3 71 41 42 83 E1 1E 3D 7F 92 41 CB 5B 0D C4 06 02' +
            '02 03 A8 93 23 07 04 08 07 00 E3 37 1F 7A 32 CF 74 41 2A 2A C6 22 F4 A8 95 41 34 09 D6 44 06 03' +
            '02 0C 04 42 1C 07 09 08 07 00 CC 02 FF DE E4 16 74 41 D9 67 3C B4 1A DA 94 41 D5 2A E3 44 06 12' +
            '02 04 E0 8D 24 07 03 08 07 00 0F AA B5 62 01 22 14 00 A8 71 08 1A 4A 7F 05 00 F8 02 00 00 10 00' +
            '00 00 80 04 00 00 CE 44',
        ),
      },
      { frame: '$GNRMC,011903.00,A,4552.65550,S,17030.00756,E,0.214,,120419,,,A,V*0F\r\n' },
    ],
  },
];
