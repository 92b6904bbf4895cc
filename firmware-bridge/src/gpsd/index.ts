export { GpsdClient, type GpsdClientEvents, type GpsdClientOptions, type GpsdClientStats } from './client.js';
export {
  GPSD_DEFAULT_PORT,
  type GpsdDevice,
  type GpsdDevices,
  type GpsdErrorReport,
  type GpsdMessage,
  type GpsdOther,
  type GpsdParseResult,
  type GpsdSky,
  type GpsdTpv,
  type GpsdVersion,
  type GpsdWatch,
  parseGpsdLine,
  tpvToRaw,
  watchCommand,
} from './protocol.js';
