export {
  BAFANG_READ,
  BAFANG_READS,
  BAFANG_WRITE,
  BAFANG_WRITES,
  type BafangMessage,
  BafangOpcode,
  decodeBafangFrame,
  encodeBafangFrame,
  encodeSpeedLimit,
} from './codec.js';
export { bafangDecoder } from './decoder.js';
export {
  type BafangDiscardReason,
  BafangFrameSplitter,
  type BafangSplitDiscard,
  type BafangSplitResult,
  type BafangSplitterStats,
} from './frame.js';
export {
  type BafangScenario,
  BafangSimulator,
  type BafangSimulatorOptions,
  type BafangSimulatorStats,
} from './simulator.js';
export {
  type BafangBatteryReading,
  BafangSniffer,
  type BafangSnifferEvents,
  type BafangSnifferOptions,
  type BafangSnifferStats,
} from './sniffer.js';
export { BAFANG_ASSIST_LEVEL5, BAFANG_ASSIST_LEVEL9, BAFANG_ASSIST_WALK, bafangFault } from './tables.js';
