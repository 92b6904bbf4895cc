import { describe, expect, it } from 'vitest';
import { Stk500 } from './constants.js';
import { Stk500Bootloader } from './simulator.js';

// Request bytes as avrdude's stk500.c builds them (Cmnd_STK_*, then Sync_CRC_EOP).
const bytes = (...values: number[]) => Uint8Array.from(values);
const answer = (boot: Stk500Bootloader, ...values: number[]) => Array.from(boot.push(bytes(...values)));

describe('Stk500Bootloader', () => {
  it('answers GET_SYNC, parameters and the ATmega328P signature', () => {
    const boot = new Stk500Bootloader();
    expect(answer(boot, Stk500.GET_SYNC, Stk500.CRC_EOP)).toEqual([0x14, 0x10]);
    expect(answer(boot, Stk500.GET_PARAMETER, 0x81, Stk500.CRC_EOP)).toEqual([0x14, 4, 0x10]);
    expect(answer(boot, Stk500.READ_SIGN, Stk500.CRC_EOP)).toEqual([0x14, 0x1e, 0x95, 0x0f, 0x10]);
  });

  it('assembles a command split across reads, as a pty delivers it', () => {
    const boot = new Stk500Bootloader();
    expect(answer(boot, Stk500.LOAD_ADDRESS, 0x40)).toEqual([]);
    expect(answer(boot, 0x00, Stk500.CRC_EOP, Stk500.GET_SYNC)).toEqual([0x14, 0x10]);
    expect(answer(boot, Stk500.CRC_EOP)).toEqual([0x14, 0x10]);
  });

  it('writes a page at a word address and reads it back', () => {
    const boot = new Stk500Bootloader();
    const page = Array.from({ length: 128 }, (_, i) => i);
    answer(boot, Stk500.LOAD_ADDRESS, 0x40, 0x00, Stk500.CRC_EOP); // word 0x40 = byte 0x80
    expect(answer(boot, Stk500.PROG_PAGE, 0x00, 0x80, 0x46, ...page, Stk500.CRC_EOP)).toEqual([0x14, 0x10]);
    expect(Array.from(boot.flash.subarray(0x80, 0x100))).toEqual(page);
    expect(boot.flash[0x7f]).toBe(0xff);
    answer(boot, Stk500.LOAD_ADDRESS, 0x40, 0x00, Stk500.CRC_EOP);
    expect(answer(boot, Stk500.READ_PAGE, 0x00, 0x04, 0x46, Stk500.CRC_EOP)).toEqual([0x14, 0, 1, 2, 3, 0x10]);
  });

  it('erases a whole page before writing part of it, as SPM does', () => {
    const boot = new Stk500Bootloader();
    boot.flash.fill(0x00, 0, 128);
    answer(boot, Stk500.LOAD_ADDRESS, 0, 0, Stk500.CRC_EOP);
    answer(boot, Stk500.PROG_PAGE, 0x00, 0x02, 0x46, 0xaa, 0xbb, Stk500.CRC_EOP);
    expect(Array.from(boot.flash.subarray(0, 4))).toEqual([0xaa, 0xbb, 0xff, 0xff]);
  });

  it('leaves its own boot section alone, as the lock bits make it', () => {
    const boot = new Stk500Bootloader({ kind: 'atmegaboot' });
    answer(boot, Stk500.LOAD_ADDRESS, 0x00, 0x3c, Stk500.CRC_EOP); // word 0x3C00 = byte 0x7800
    answer(boot, Stk500.PROG_PAGE, 0x00, 0x01, 0x46, 0x00, Stk500.CRC_EOP);
    expect(boot.flash[0x7800]).toBe(0xff);
  });

  it('flips the chosen read-back byte only, leaving the flash itself right', () => {
    const boot = new Stk500Bootloader({ corruptRead: { address: 2, xor: 0x01 } });
    answer(boot, Stk500.LOAD_ADDRESS, 0, 0, Stk500.CRC_EOP);
    answer(boot, Stk500.PROG_PAGE, 0x00, 0x04, 0x46, 1, 2, 3, 4, Stk500.CRC_EOP);
    answer(boot, Stk500.LOAD_ADDRESS, 0, 0, Stk500.CRC_EOP);
    expect(answer(boot, Stk500.READ_PAGE, 0x00, 0x04, 0x46, Stk500.CRC_EOP)).toEqual([0x14, 1, 2, 2, 4, 0x10]);
    expect(Array.from(boot.flash.subarray(0, 4))).toEqual([1, 2, 3, 4]);
  });

  it('answers NOSYNC to a command not closed by CRC_EOP, and UNKNOWN to a command it lacks', () => {
    const boot = new Stk500Bootloader();
    expect(answer(boot, Stk500.GET_SYNC, 0x00)).toEqual([Stk500.NOSYNC]);
    expect(answer(boot, 0x7e, Stk500.CRC_EOP)).toEqual([Stk500.UNKNOWN]);
    expect(boot.stats).toMatchObject({ outOfSync: 1, unknown: [0x7e] });
  });

  it('reads SET_DEVICE_EXT by its own count byte, whatever the version decided', () => {
    const boot = new Stk500Bootloader();
    expect(answer(boot, Stk500.SET_DEVICE_EXT, 5, 4, 0xd7, 0xa0, 0, Stk500.CRC_EOP)).toEqual([0x14, 0x10]);
    expect(answer(boot, Stk500.SET_DEVICE_EXT, 4, 4, 0xd7, 0xa0, Stk500.CRC_EOP)).toEqual([0x14, 0x10]);
  });

  it('knows when avrdude has left programming mode', () => {
    const boot = new Stk500Bootloader();
    expect(boot.left).toBe(false);
    answer(boot, Stk500.LEAVE_PROGMODE, Stk500.CRC_EOP);
    expect(boot.left).toBe(true);
  });
});
