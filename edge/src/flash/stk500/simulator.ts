import { ATMEGA328P_SIGNATURE, Stk500, Stk500Parameter } from './constants.js';

/**
 * The Arduino bootloader's side of STK500 v1, as a pure state machine: bytes in, answer bytes out,
 * no port and no timer. It keeps a 32 KiB flash in memory, so a test can let the real avrdude write
 * and verify through a pseudo-terminal and then compare the flash with the image byte for byte.
 *
 * It answers the way Optiboot and ATmegaBOOT do where avrdude can tell: word addresses for flash,
 * page writes that erase the page first, chip erase ignored (a bootloader cannot erase itself, and
 * avrdude -c arduino knows it), writes into the boot section ignored (the lock bits forbid them).
 */
export interface Stk500BootloaderOptions {
  /** Which bootloader: it decides the size of the boot section and the version avrdude reads. */
  kind?: 'optiboot' | 'atmegaboot';
  signature?: readonly [number, number, number];
  /** Flip bits of the byte at this flash address in every read-back: a worn cell, or a bad line. */
  corruptRead?: { address: number; xor: number };
}

export interface Stk500Stats {
  commands: number;
  pagesWritten: number;
  pagesRead: number;
  /** Commands this simulator does not implement; a test expects none from avrdude. */
  unknown: number[];
  /** Commands whose CRC_EOP byte was wrong (answered NOSYNC). */
  outOfSync: number;
}

export const FLASH_BYTES = 32 * 1024;
const PAGE_BYTES = 128;

// Bytes each command carries between its command byte and CRC_EOP; SET_DEVICE_EXT and the page
// commands are sized by their own first bytes.
const FIXED_ARGS: Readonly<Record<number, number>> = {
  [Stk500.GET_SYNC]: 0,
  [Stk500.GET_SIGN_ON]: 0,
  [Stk500.SET_PARAMETER]: 2,
  [Stk500.GET_PARAMETER]: 1,
  [Stk500.SET_DEVICE]: 20,
  [Stk500.ENTER_PROGMODE]: 0,
  [Stk500.LEAVE_PROGMODE]: 0,
  [Stk500.CHIP_ERASE]: 0,
  [Stk500.CHECK_AUTOINC]: 0,
  [Stk500.LOAD_ADDRESS]: 2,
  [Stk500.UNIVERSAL]: 4,
  [Stk500.READ_SIGN]: 0,
};

export class Stk500Bootloader {
  readonly flash = new Uint8Array(FLASH_BYTES).fill(0xff);
  /** Set once avrdude leaves programming mode: the bootloader would now start the application. */
  left = false;
  private readonly bootStart: number;
  private readonly version: { major: number; minor: number };
  private readonly signature: readonly [number, number, number];
  private readonly corruptRead: { address: number; xor: number } | undefined;
  private pending: number[] = [];
  /** The last LOAD_ADDRESS, in bytes. */
  private address = 0;
  private readonly counters: Stk500Stats = { commands: 0, pagesWritten: 0, pagesRead: 0, unknown: [], outOfSync: 0 };

  constructor(options: Stk500BootloaderOptions = {}) {
    const kind = options.kind ?? 'optiboot';
    this.bootStart = kind === 'optiboot' ? FLASH_BYTES - 512 : FLASH_BYTES - 2048;
    // Optiboot 4.4 (the Uno's and new Nano's) and ATmegaBOOT 1.16 (the old Nano's).
    this.version = kind === 'optiboot' ? { major: 4, minor: 4 } : { major: 1, minor: 16 };
    this.signature = options.signature ?? ATMEGA328P_SIGNATURE;
    this.corruptRead = options.corruptRead;
  }

  get stats(): Stk500Stats {
    return { ...this.counters, unknown: [...this.counters.unknown] };
  }

  /** Feeds received bytes; returns what the bootloader sends back (possibly nothing yet). */
  push(bytes: Uint8Array): Uint8Array {
    this.pending.push(...bytes);
    const out: number[] = [];
    for (;;) {
      const length = this.commandLength();
      if (length === undefined || this.pending.length < length) break;
      const command = this.pending.splice(0, length);
      this.counters.commands++;
      if (command[length - 1] !== Stk500.CRC_EOP) {
        // AVR061: a command not closed by CRC_EOP is answered NOSYNC; avrdude then resyncs.
        this.counters.outOfSync++;
        out.push(Stk500.NOSYNC);
        continue;
      }
      out.push(...this.answer(command));
    }
    return Uint8Array.from(out);
  }

  /** Total bytes of the command at the head of the buffer, or undefined until its size is known. */
  private commandLength(): number | undefined {
    const command = this.pending[0];
    if (command === undefined) return undefined;
    const fixed = FIXED_ARGS[command];
    if (fixed !== undefined) return 1 + fixed + 1;
    if (command === Stk500.SET_DEVICE_EXT) {
      // The first argument counts the arguments, itself included (avrdude's stk500_set_extended_parms).
      const count = this.pending[1];
      return count === undefined ? undefined : 1 + count + 1;
    }
    if (command === Stk500.PROG_PAGE) {
      if (this.pending.length < 3) return undefined;
      return 1 + 3 + (((this.pending[1] ?? 0) << 8) | (this.pending[2] ?? 0)) + 1;
    }
    if (command === Stk500.READ_PAGE) return 1 + 3 + 1;
    // Unknown: take it as a command without arguments, as the bootloaders do.
    return 2;
  }

  private answer(command: number[]): number[] {
    const [code = 0, a = 0, b = 0] = command;
    switch (code) {
      case Stk500.GET_SYNC:
      case Stk500.SET_PARAMETER:
      case Stk500.SET_DEVICE:
      case Stk500.SET_DEVICE_EXT:
      case Stk500.ENTER_PROGMODE:
      case Stk500.CHIP_ERASE:
      case Stk500.CHECK_AUTOINC:
        return [Stk500.INSYNC, Stk500.OK];
      case Stk500.GET_SIGN_ON:
        return [Stk500.INSYNC, ...new TextEncoder().encode('AVR ISP'), Stk500.OK];
      case Stk500.GET_PARAMETER:
        return [Stk500.INSYNC, this.parameter(a), Stk500.OK];
      case Stk500.LEAVE_PROGMODE:
        this.left = true;
        return [Stk500.INSYNC, Stk500.OK];
      case Stk500.LOAD_ADDRESS:
        // A word address for flash on classic AVRs (avrdude's a_div = 2 for bootloaders).
        this.address = (a | (b << 8)) * 2;
        return [Stk500.INSYNC, Stk500.OK];
      case Stk500.UNIVERSAL:
        return [Stk500.INSYNC, 0x00, Stk500.OK];
      case Stk500.READ_SIGN:
        return [Stk500.INSYNC, ...this.signature, Stk500.OK];
      case Stk500.PROG_PAGE:
        this.programPage(String.fromCharCode(command[3] ?? 0), command.slice(4, -1));
        return [Stk500.INSYNC, Stk500.OK];
      case Stk500.READ_PAGE:
        return [Stk500.INSYNC, ...this.readPage(String.fromCharCode(command[3] ?? 0), (a << 8) | b), Stk500.OK];
      default:
        this.counters.unknown.push(code);
        return [Stk500.UNKNOWN];
    }
  }

  private parameter(id: number): number {
    if (id === Stk500Parameter.SW_MAJOR) return this.version.major;
    if (id === Stk500Parameter.SW_MINOR) return this.version.minor;
    return 0x03;
  }

  private programPage(memory: string, data: number[]): void {
    if (memory !== 'F') return; // EEPROM is not kept: flashing never writes it.
    this.counters.pagesWritten++;
    // SPM erases each whole page before filling it, so bytes not sent come back erased.
    const end = this.address + data.length;
    for (let page = this.address - (this.address % PAGE_BYTES); page < end; page += PAGE_BYTES) {
      if (page < this.bootStart) this.flash.fill(0xff, page, Math.min(page + PAGE_BYTES, this.bootStart));
    }
    for (let i = 0; i < data.length; i++) {
      const at = this.address + i;
      if (at < this.bootStart) this.flash[at] = data[i] ?? 0xff;
    }
  }

  private readPage(memory: string, length: number): number[] {
    this.counters.pagesRead++;
    if (memory !== 'F') return new Array<number>(length).fill(0xff);
    const bytes = Array.from(this.flash.subarray(this.address, this.address + length));
    while (bytes.length < length) bytes.push(0xff);
    const fault = this.corruptRead;
    if (fault && fault.address >= this.address && fault.address < this.address + length) {
      const index = fault.address - this.address;
      bytes[index] = (bytes[index] ?? 0) ^ fault.xor;
    }
    return bytes;
  }
}
