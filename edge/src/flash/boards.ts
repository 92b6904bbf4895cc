import { FlashError, FlashErrorCode } from './errors.js';

/**
 * The Nanos a workshop meets. Both carry an ATmega328P at 16 MHz and run the same StandardFirmata
 * image; they differ in the bootloader, which listens at its own speed. Boards sold since 2018 run
 * Optiboot at 115200 baud ("ATmega328P" in the Arduino IDE); older boards and many clones run
 * ATmegaBOOT at 57600 ("ATmega328P (Old Bootloader)").
 */
export const BOARDS = {
  nano: { part: 'atmega328p', programmer: 'arduino', baud: 115200, label: 'Nano, bootloader Optiboot' },
  'nano-old': { part: 'atmega328p', programmer: 'arduino', baud: 57600, label: 'Nano, ancien bootloader' },
} as const;

export type BoardName = keyof typeof BOARDS;

/** The speeds an Arduino bootloader answers at: any other is a typo. */
export const BOOTLOADER_BAUDS = [57600, 115200] as const;

/**
 * Room below the bootloader. ATmegaBOOT takes the top 2 KiB of the 32 KiB flash, Optiboot only
 * 512 bytes; the smaller room is the limit, so one image fits whichever bootloader a board has.
 */
export const APPLICATION_BYTES = 30 * 1024;

/** StandardFirmata's own speed, whatever the bootloader's (Firmata.begin(57600) in the sketch). */
export const FIRMATA_BAUD = 57600;

export function boardNamed(name: string): (typeof BOARDS)[BoardName] {
  if (!Object.hasOwn(BOARDS, name)) {
    throw new FlashError(
      FlashErrorCode.INPUT,
      `carte inconnue « ${name} » : choisissez ${Object.keys(BOARDS).join(' ou ')}`,
    );
  }
  return BOARDS[name as BoardName];
}

export function bootloaderBaud(value: string | number): number {
  const baud = typeof value === 'number' ? value : Number(value);
  if (!(BOOTLOADER_BAUDS as readonly number[]).includes(baud)) {
    throw new FlashError(
      FlashErrorCode.INPUT,
      `vitesse « ${value} » : un bootloader Arduino écoute à ${BOOTLOADER_BAUDS.join(' ou ')} bauds`,
    );
  }
  return baud;
}
