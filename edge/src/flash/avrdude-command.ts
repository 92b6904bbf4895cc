import { FlashError, FlashErrorCode } from './errors.js';

/**
 * The avrdude command line for a Nano's bootloader (avrdude 7.1, Debian 12's). Arguments are an
 * argv array, never a shell string. `-D` skips the chip erase, as the Arduino IDE does: a bootloader
 * cannot erase the chip and erases each page as it writes it. Verification is avrdude's default after
 * a write (`-V` is never passed); `flash:v` alone re-reads a board already flashed. `-l` sends
 * avrdude's messages to a file, which keeps them even when the time limit kills avrdude.
 */
export interface AvrdudeRequest {
  port: string;
  part: string;
  programmer: string;
  baud: number;
  imagePath: string;
  operation: 'write' | 'verify';
  logPath: string;
  /** Sync attempts before giving up (avrdude's -x attempts=N; its default is 10). */
  attempts?: number;
}

export const AVRDUDE = 'avrdude';

export function avrdudeArgs(request: AvrdudeRequest): string[] {
  checkPort(request.port);
  if (request.attempts !== undefined) checkAttempts(request.attempts);
  const operation = request.operation === 'write' ? 'w' : 'v';
  return [
    '-c',
    request.programmer,
    '-p',
    request.part,
    '-P',
    request.port,
    '-b',
    String(request.baud),
    ...(request.operation === 'write' ? ['-D'] : []),
    ...(request.attempts === undefined ? [] : ['-x', `attempts=${request.attempts}`]),
    '-l',
    request.logPath,
    '-U',
    `flash:${operation}:${request.imagePath}:i`,
  ];
}

/** A serial device path: absolute, so it can never be read as an option or as avrdude's net: or usb: ports. */
export function checkPort(port: string): void {
  if (!port.startsWith('/') || port.includes('\0')) {
    throw new FlashError(
      FlashErrorCode.INPUT,
      `port « ${port} » : donnez le chemin complet, par exemple /dev/triporteur-arduino`,
    );
  }
}

function checkAttempts(attempts: number): void {
  // avrdude reads the value with %2d: two digits at most.
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 99) {
    throw new FlashError(FlashErrorCode.INPUT, `tentatives « ${attempts} » : un entier de 1 à 99`);
  }
}

/** The command as a person would type it, quoting only what a shell would misread. */
export function formatCommand(file: string, args: readonly string[]): string {
  return [file, ...args]
    .map((arg) => (/^[\w/.:=@%+,-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`))
    .join(' ');
}
