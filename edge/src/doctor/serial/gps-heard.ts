/** One decoded NMEA sentence as the decode tools give it (nmeaDecoder): plain JSON. */
type Sentence = Record<string, unknown>;

/** What a few seconds of NMEA say about the receiver's fix. */
export interface GpsHeard {
  sentences: number;
  /** Sentence types in the order first heard: RMC, VTG, GGA, GSA, GPGSV… */
  types: string[];
  /** From the last GGA's quality, else the last RMC's status; undefined when neither was heard. */
  hasFix: boolean | undefined;
  /** 2 or 3 from the last GSA, when the receiver sends one. */
  fixDimensions: 2 | 3 | undefined;
  /** Satellites used in the solution (GGA). */
  satellitesUsed: number | undefined;
  /** Satellites in view (GSV), which a receiver without a fix still reports. */
  satellitesInView: number | undefined;
}

export function summarizeNmea(sentences: readonly Sentence[]): GpsHeard {
  const types: string[] = [];
  let ggaFix: boolean | undefined;
  let rmcFix: boolean | undefined;
  let fixDimensions: 2 | 3 | undefined;
  let satellitesUsed: number | undefined;
  let satellitesInView: number | undefined;
  for (const sentence of sentences) {
    const type = sentenceType(sentence);
    if (!types.includes(type)) types.push(type);
    if (sentence.type === 'GGA') {
      const quality = sentence.quality;
      ggaFix = typeof quality === 'number' ? quality > 0 : false;
      if (typeof sentence.satellites === 'number') satellitesUsed = sentence.satellites;
    } else if (sentence.type === 'RMC') {
      rmcFix = sentence.status === 'A';
    } else if (sentence.type === 'GSA') {
      const fixType = sentence.fixType;
      fixDimensions = fixType === 2 || fixType === 3 ? fixType : undefined;
    } else if (type.endsWith('GSV')) {
      // GSV fields: total messages, message number, satellites in view, then four per satellite.
      const fields = sentence.fields;
      const inView = Array.isArray(fields) ? Number.parseInt(String(fields[2] ?? ''), 10) : Number.NaN;
      if (Number.isInteger(inView)) satellitesInView = Math.max(satellitesInView ?? 0, inView);
    }
  }
  return {
    sentences: sentences.length,
    types,
    hasFix: ggaFix ?? rmcFix,
    fixDimensions,
    satellitesUsed,
    satellitesInView,
  };
}

/** "fix 3D, 12 satellites" / "pas de fix, 3 satellites en vue" — French, for the check's detail. */
export function describeFix(heard: GpsHeard): string {
  const used = heard.satellitesUsed === undefined ? '' : `, ${heard.satellitesUsed} satellites utilisés`;
  const inView = heard.satellitesInView === undefined ? '' : `, ${heard.satellitesInView} en vue`;
  if (heard.hasFix === undefined) return 'ni GGA ni RMC entendue : fix inconnu';
  if (!heard.hasFix) return `pas de fix${used}${inView}`;
  const dimensions = heard.fixDimensions === undefined ? '' : ` ${heard.fixDimensions}D`;
  return `fix${dimensions}${used}${inView}`;
}

function sentenceType(sentence: Sentence): string {
  if (sentence.type === 'other') return typeof sentence.address === 'string' ? sentence.address : 'other';
  return typeof sentence.type === 'string' ? sentence.type : '?';
}
