export {
  type DecodeReplyOptions,
  decodeReply,
  decodeReplyPayload,
  decodeRequest,
  encodeFwVersionReply,
  encodeFwVersionRequest,
  encodeGetValuesRequest,
  encodeGetValuesSelectiveRequest,
  encodeReply,
  encodeRequest,
  encodeSelectiveValuesReply,
  encodeValuesReply,
  VescCommand,
  type VescReply,
  type VescRequest,
} from './codec.js';
export { vescCrc16 } from './crc.js';
export { vescDecoder } from './decoder.js';
export {
  VESC_DEFAULT_BAUD,
  VESC_SAMPLE_MASK,
  VescDriver,
  type VescDriverEvents,
  type VescDriverOptions,
  type VescDriverStats,
} from './driver.js';
export { VESC_FAULT_NAMES, VescFault, type VescFaultName, vescFaultName } from './faults.js';
export {
  firmwareAtLeast,
  supportsSelective,
  type VescFirmwareVersion,
  valueFieldsKnownBy,
  valuesLayoutKnown,
} from './firmware.js';
export {
  encodeVescFrame,
  unwrapVescFrame,
  VESC_END,
  VESC_LONG_START,
  VESC_MAX_PAYLOAD,
  VESC_SHORT_START,
  type VescDiscardReason,
  VescFrameSplitter,
  type VescFrameSplitterOptions,
  type VescSplitDiscard,
  type VescSplitResult,
} from './frame.js';
export { decodeFwVersion, encodeFwVersion, type VescFwVersion } from './fw-version.js';
export { RideModel, type RideModelOptions, type VescScenario } from './ride-model.js';
export { checkGeometry, toMotorSample, type VescGeometry } from './sample.js';
export { VescSimulator, type VescSimulatorOptions, type VescSimulatorStats } from './simulator.js';
export {
  decodeValueFields,
  encodeValueFields,
  VESC_ALL_FIELDS_MASK,
  VESC_VALUE_FIELDS,
  type VescValueKey,
  type VescValues,
  vescMaskOf,
  vescValuesLength,
} from './values.js';
