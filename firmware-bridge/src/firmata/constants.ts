/**
 * Firmata wire constants (github.com/firmata/protocol, protocol.md). Command bytes have bit 7 set,
 * data bytes never do: that is the only framing the protocol has (no length, no checksum).
 */
export const FirmataCommand = {
  /** 0xE0 | channel, LSB, MSB: an analog reading (board → host) or a PWM write (host → board). */
  analog: 0xe0,
  /** 0x90 | port, LSB, MSB: the 8 pins of one port. */
  digitalPort: 0x90,
  /** 0xC0 | channel, enable. */
  reportAnalog: 0xc0,
  /** 0xD0 | port, enable. */
  reportDigital: 0xd0,
  startSysex: 0xf0,
  setPinMode: 0xf4,
  setDigitalPinValue: 0xf5,
  endSysex: 0xf7,
  /** Alone from the host it asks; from the board it carries major and minor. */
  reportVersion: 0xf9,
  systemReset: 0xff,
} as const;

export const SysexCommand = {
  /** 0x00 means the next two bytes are an extended feature id. */
  extendedId: 0x00,
  analogMappingQuery: 0x69,
  analogMappingResponse: 0x6a,
  capabilityQuery: 0x6b,
  capabilityResponse: 0x6c,
  pinStateQuery: 0x6d,
  pinStateResponse: 0x6e,
  extendedAnalog: 0x6f,
  stringData: 0x71,
  reportFirmware: 0x79,
  samplingInterval: 0x7a,
  samplingIntervalQuery: 0x7c,
} as const;

/** Pin modes as SET_PIN_MODE and the capability response carry them. */
export const PinMode = {
  input: 0x00,
  output: 0x01,
  analog: 0x02,
  pwm: 0x03,
  servo: 0x04,
  shift: 0x05,
  i2c: 0x06,
  onewire: 0x07,
  stepper: 0x08,
  encoder: 0x09,
  serial: 0x0a,
  pullup: 0x0b,
  ignore: 0x7f,
} as const;

/** Marks the end of one pin's modes in a capability response; also "no analog channel" in the mapping. */
export const CAPABILITY_PIN_END = 0x7f;
export const NO_ANALOG_CHANNEL = 0x7f;
