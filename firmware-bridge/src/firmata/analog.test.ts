import { describe, expect, it } from 'vitest';
import { ADC_MAX, adcToDividerVolts, adcToThermistorC, dividerVoltsToAdc, thermistorCToAdc } from './analog.js';

const divider = { dividerRatio: 13, adcRefV: 5 };
const ntc = { beta: 3950, r25Ohm: 10_000, seriesOhm: 10_000 };

describe('battery divider', () => {
  it('scales the pin voltage by the divider ratio', () => {
    expect(adcToDividerVolts(ADC_MAX, divider)).toBeCloseTo(65, 10);
    expect(adcToDividerVolts(0, divider)).toBe(0);
    expect(dividerVoltsToAdc(52, divider)).toBe(818);
    expect(adcToDividerVolts(818, divider)).toBeCloseTo(51.97, 2);
  });

  it('clamps what the ADC cannot read', () => {
    expect(dividerVoltsToAdc(80, divider)).toBe(ADC_MAX);
    expect(dividerVoltsToAdc(-3, divider)).toBe(0);
  });
});

describe('NTC beta model', () => {
  it('reads 25 °C at mid-scale when the series resistor equals R25', () => {
    expect(adcToThermistorC(ADC_MAX / 2, ntc)).toBeCloseTo(25, 6);
  });

  it('stays within 1 °C of a 10k B3950 table at 0 °C and 50 °C (32.65 kΩ, 3.588 kΩ)', () => {
    // The beta model uses B25/85 everywhere, so it drifts a little away from 25 °C.
    const adcAt = (ohms: number) => (ADC_MAX * ohms) / (ohms + ntc.seriesOhm);
    expect(Math.abs(adcToThermistorC(adcAt(32_651), ntc) - 0)).toBeLessThan(1);
    expect(Math.abs(adcToThermistorC(adcAt(3_588), ntc) - 50)).toBeLessThan(1);
  });

  it('round-trips through the simulator side within one ADC step', () => {
    for (const celsius of [-20, 0, 25, 45, 80]) {
      const back = adcToThermistorC(thermistorCToAdc(celsius, ntc), ntc);
      expect(Math.abs(back - celsius)).toBeLessThan(celsius > 60 || celsius < -10 ? 0.6 : 0.2);
    }
  });

  it('stays finite on an open (1023) or shorted (0) thermistor', () => {
    expect(Number.isFinite(adcToThermistorC(ADC_MAX, ntc))).toBe(true);
    expect(Number.isFinite(adcToThermistorC(0, ntc))).toBe(true);
    expect(adcToThermistorC(ADC_MAX, ntc)).toBeLessThan(-50);
    expect(adcToThermistorC(0, ntc)).toBeGreaterThan(150);
  });
});
