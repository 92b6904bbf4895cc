import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DailyDevices, normalizeMac } from './daily-devices.js';

describe('DailyDevices', () => {
  it('is HMAC-SHA256 of the normalised MAC under the salt of the day', () => {
    const salt = new Uint8Array(32).fill(7);
    const devices = new DailyDevices(() => salt);
    const expected = createHmac('sha256', new Uint8Array(32).fill(7)).update('a2:11:22:33:44:55').digest('hex');
    expect(devices.add('A2-11-22-33-44-55')).toBe(expected);
    expect(devices.hash('a2:11:22:33:44:55')).toBe(expected);
    expect(devices.size).toBe(1);
  });

  it('counts once per device, and hash() does not count', () => {
    const devices = new DailyDevices();
    devices.add('a2:11:22:33:44:55');
    devices.add('a2:11:22:33:44:55');
    devices.hash('5e:aa:bb:cc:dd:ee');
    expect(devices.size).toBe(1);
  });

  it('zeroes the old salt in place on rotation and starts an empty day', () => {
    const drawn: Uint8Array[] = [];
    const devices = new DailyDevices((size) => {
      const salt = new Uint8Array(size).fill(drawn.length + 1);
      drawn.push(salt);
      return salt;
    });
    const before = devices.add('a2:11:22:33:44:55');
    devices.rotate();
    expect(drawn[0]?.every((byte) => byte === 0)).toBe(true);
    expect(devices.size).toBe(0);
    expect(devices.add('a2:11:22:33:44:55')).not.toBe(before);
  });

  it('folds the MAC notations hostapd, dnsmasq and others print', () => {
    expect(normalizeMac(' A2-11-22-33-44-55 ')).toBe('a2:11:22:33:44:55');
  });
});
