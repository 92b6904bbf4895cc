export { parseDecimal, parseDegreesMinutes } from './bytes.js';
export { decodeSentence, nmeaChecksum } from './codec.js';
export { nmeaDecoder } from './decoder.js';
export {
  encodeGga,
  encodeGsa,
  encodeOther,
  encodeRmc,
  encodeSentence,
  encodeVtg,
  frameSentence,
} from './encode.js';
export { EpochAssembler, type EpochListener, epochToRaw, type NmeaEpoch, type RawPosition } from './epoch.js';
export {
  checkQualityOptions,
  distanceM,
  type GpsPositionSample,
  PositionGate,
  type PositionQualityOptions,
} from './quality.js';
export {
  NmeaReceiver,
  type NmeaReceiverEvents,
  type NmeaReceiverOptions,
  type NmeaReceiverStats,
} from './receiver.js';
export { bearingDeg, type LatLon, Route, VAULX_EN_VELIN_LOOP } from './route.js';
export { nmeaScenarios } from './scenarios.js';
export {
  type GgaSentence,
  type GsaSentence,
  KNOTS_TO_KMH,
  NMEA_TALKERS,
  type NmeaDate,
  type NmeaSentence,
  type OtherSentence,
  type RmcSentence,
  type VtgSentence,
} from './sentences.js';
export {
  type NmeaScenario,
  NmeaSimulator,
  type NmeaSimulatorOptions,
  type NmeaSimulatorStats,
} from './simulator.js';
export {
  NMEA_MAX_LENGTH,
  type NmeaDiscardReason,
  type NmeaSplitDiscard,
  type NmeaSplitResult,
  NmeaSplitter,
  type NmeaSplitterOptions,
} from './splitter.js';
