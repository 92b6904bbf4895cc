/**
 * STK500 protocol v1 bytes, as the Arduino bootloaders speak them (Atmel AVR061, "STK500
 * Communication Protocol"; avrdude's stk500_private.h uses the same names). Every command ends with
 * CRC_EOP; every answer starts with INSYNC and ends with OK.
 */
export const Stk500 = {
  OK: 0x10,
  FAILED: 0x11,
  UNKNOWN: 0x12,
  INSYNC: 0x14,
  NOSYNC: 0x15,
  CRC_EOP: 0x20,
  GET_SYNC: 0x30,
  GET_SIGN_ON: 0x31,
  SET_PARAMETER: 0x40,
  GET_PARAMETER: 0x41,
  SET_DEVICE: 0x42,
  SET_DEVICE_EXT: 0x45,
  ENTER_PROGMODE: 0x50,
  LEAVE_PROGMODE: 0x51,
  CHIP_ERASE: 0x52,
  CHECK_AUTOINC: 0x53,
  LOAD_ADDRESS: 0x55,
  UNIVERSAL: 0x56,
  PROG_PAGE: 0x64,
  READ_PAGE: 0x74,
  READ_SIGN: 0x75,
} as const;

/** GET_PARAMETER ids avrdude asks for: the firmware version decides how many SET_DEVICE_EXT bytes follow. */
export const Stk500Parameter = {
  HW_VER: 0x80,
  SW_MAJOR: 0x81,
  SW_MINOR: 0x82,
} as const;

/** The ATmega328P's signature bytes (datasheet §28.3). */
export const ATMEGA328P_SIGNATURE = [0x1e, 0x95, 0x0f] as const;
