/**
 * Flashing StandardFirmata onto the aux board's Nano: the image from its npm package, avrdude through
 * the command runner, its messages read into coded errors, and a Firmata question afterwards.
 */
export { AVRDUDE, avrdudeArgs, formatCommand } from './avrdude-command.js';
export { type AvrdudeEnd, type AvrdudeSuccess, readAvrdudeLog } from './avrdude-log.js';
export { APPLICATION_BYTES, BOARDS, BOOTLOADER_BAUDS, type BoardName, FIRMATA_BAUD } from './boards.js';
export { FLASH_FIXES, FlashError, FlashErrorCode, isFlashError } from './errors.js';
export { confirmFirmata, type FirmataCheckOptions, type FirmataIdentity, queryFirmware } from './firmata-check.js';
export {
  type FlashDeps,
  type FlashPlan,
  type FlashRequest,
  type FlashResult,
  flashImage,
  flashTimeLimitMs,
  planFlash,
} from './flasher.js';
export {
  type FirmwareImage,
  type ImageIdentity,
  loadImageFile,
  loadPackagedImage,
  type PackageResolver,
} from './image.js';
export { FIRMATA_IMAGE_SOURCE, type ImageSource } from './image-source.js';
export { type HexImage, parseIntelHex } from './intel-hex.js';
