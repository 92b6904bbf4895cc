import { describe, expect, it } from 'vitest';
import { APPLICATION_BYTES } from '../src/flash/boards.js';
import { loadPackagedImage } from '../src/flash/image.js';
import { FIRMATA_IMAGE_SOURCE } from '../src/flash/image-source.js';

// The image the technicians flash, as npm installed it: the reviewed file, valid, and small enough.
describe('the packaged StandardFirmata image', () => {
  it('is installed, is the reviewed file, and fits below the bootloader', async () => {
    const { identity, image } = await loadPackagedImage();
    expect(identity).toMatchObject({
      source: 'package',
      packageName: FIRMATA_IMAGE_SOURCE.packageName,
      version: FIRMATA_IMAGE_SOURCE.version,
      sha256: FIRMATA_IMAGE_SOURCE.sha256,
    });
    expect(image.bytes.length).toBeLessThanOrEqual(APPLICATION_BYTES);
    // It reports this name to REPORT_FIRMWARE: the bytes of the sketch's file name are in the image.
    expect(Buffer.from(image.bytes).includes('StandardFirmata.ino')).toBe(true);
  });
});
