import { describe, expect, it } from 'vitest';
import { isEdgeError } from '../src/errors.js';
import { validateHotspotConfig } from '../src/hotspot/config.js';
import { captiveApiUrl } from '../src/hotspot/system/config-checks.js';

const staff = { ssid: 'Mediateurs', passphrase: 'correct horse battery' };

function refusal(input: unknown): string {
  try {
    validateHotspotConfig(input);
  } catch (err) {
    if (isEdgeError(err, 'EDG_CONFIG_INVALID')) return err.message;
    throw err;
  }
  throw new Error('config was accepted');
}

describe('HotspotConfigSchema', () => {
  it('fills every default from an empty section, frozen', () => {
    const config = validateHotspotConfig({});
    expect(config.residents).toMatchObject({
      interface: 'wlan0',
      ssid: 'Wifi social',
      subnet: '10.42.0.0/24',
      address: '10.42.0.1',
      dhcpRange: { start: '10.42.0.10', end: '10.42.0.250' },
    });
    expect(config.sessions).toEqual({ idleTimeoutS: 900, sessionTimeoutS: 28_800 });
    expect(config.uplink.isolatedRanges).toContain('100.64.0.0/10');
    expect(config.uplink.isolatedRanges).toContain('169.254.0.0/16');
    expect(config.wifi.countryCode).toBe('FR');
    expect(config.staff).toBeUndefined();
    expect(Object.isFrozen(config.residents.dhcpRange)).toBe(true);
  });

  it('surveys the radio at start by default, into a runtime hostapd.conf for the hostapd unit', () => {
    expect(validateHotspotConfig({}).wifi).toMatchObject({
      survey: true,
      hostapdConfPath: '/run/triporteur/hostapd.conf',
      hostapdUnit: 'hostapd.service',
    });
    const off = validateHotspotConfig({ wifi: { survey: false, hostapdConfPath: '/etc/hostapd/hostapd.conf' } });
    expect(off.wifi).toMatchObject({ survey: false, hostapdConfPath: '/etc/hostapd/hostapd.conf' });
    expect(refusal({ wifi: { survey: 'yes' } })).toContain('hotspot/wifi/survey');
    expect(refusal({ wifi: { hostapdConfPath: 'hostapd.conf' } })).toContain('hotspot/wifi/hostapdConfPath');
    expect(refusal({ wifi: { hostapdConfPath: '/run/a b/hostapd.conf' } })).toContain('hotspot/wifi/hostapdConfPath');
    expect(refusal({ wifi: { hostapdUnit: 'hostapd; reboot' } })).toContain('hotspot/wifi/hostapdUnit');
  });

  it('gives the staff network its own subnet by default', () => {
    const config = validateHotspotConfig({ staff });
    expect(config.staff).toMatchObject({ subnet: '10.43.0.0/24', address: '10.43.0.1', interface: 'wlan0staff' });
  });

  it('names the field of a schema error', () => {
    expect(refusal({ residents: { subnet: '10.42.0.0' } })).toContain('hotspot/residents/subnet');
    expect(refusal({ residents: { interface: 'wlan0; reboot' } })).toContain('hotspot/residents/interface');
    expect(refusal({ staff: { ssid: 'x', passphrase: 'short' } })).toContain('hotspot/staff/passphrase');
    expect(refusal({ wifi: { countryCode: 'fr' } })).toContain('hotspot/wifi/countryCode');
    expect(refusal({ surprise: true })).toContain('hotspot');
  });

  it('refuses addresses outside their subnet and ranges that hold the Pi', () => {
    expect(refusal({ residents: { address: '10.42.1.1' } })).toContain('residents/address');
    expect(refusal({ residents: { address: '10.42.0.0' } })).toContain('residents/address');
    expect(refusal({ residents: { subnet: '10.42.0.1/24' } })).toContain('host bits');
    expect(refusal({ residents: { dhcpRange: { start: '10.42.0.1', end: '10.42.0.50' } } })).toContain(
      "the Pi's own address",
    );
    expect(refusal({ residents: { dhcpRange: { start: '10.42.0.90', end: '10.42.0.20' } } })).toContain(
      'start comes after end',
    );
    expect(refusal({ residents: { dhcpRange: { start: '10.42.0.10', end: '10.42.0.255' } } })).toContain(
      'dhcpRange/end',
    );
  });

  it('keeps staff and residents apart', () => {
    const overlapping = {
      subnet: '10.42.0.0/23',
      address: '10.42.1.1',
      dhcpRange: { start: '10.42.1.10', end: '10.42.1.99' },
    };
    expect(refusal({ staff: { ...staff, ...overlapping } })).toContain('staff/subnet');
    expect(refusal({ staff: { ...staff, interface: 'wlan0' } })).toContain('staff/interface');
    expect(refusal({ staff: { ...staff, ssid: 'Wifi social' } })).toContain('staff/ssid');
    expect(refusal({ uplink: { interfaces: ['wlan0'] } })).toContain('residents/interface');
  });

  it('checks the staff passphrase as hostapd will', () => {
    expect(refusal({ staff: { ...staff, passphrase: 'sans\u00e9cureee' } })).toContain('printable ASCII');
    expect(refusal({ staff: { ...staff, passphrase: ' leading space' } })).toContain('space');
    expect(refusal({ staff: { ...staff, passphrase: 'line\nbreak!' } })).toContain('printable ASCII');
  });

  it('refuses an SSID that could add a line to hostapd.conf, or one over 32 bytes', () => {
    expect(refusal({ residents: { ssid: 'Wifi\nchannel=13' } })).toContain('control character');
    expect(refusal({ residents: { ssid: '\u00e9'.repeat(17) } })).toContain('32 bytes');
  });

  it('never lets an IP literal be the portal hostname', () => {
    expect(refusal({ portal: { hostname: '10.42.0.1' } })).toContain('portal/hostname');
    expect(refusal({ portal: { hostname: '[fe80::1]' } })).toContain('portal/hostname');
    expect(refusal({ portal: { hostname: 'portail' } })).toContain('portal/hostname');
    expect(refusal({ portal: { hostname: 'Portail.Example.org' } })).toContain('portal/hostname');
    expect(validateHotspotConfig({ portal: { hostname: 'wifi.pimms.org' } }).portal.hostname).toBe('wifi.pimms.org');
  });

  it('builds the RFC 8908 URL only with a certificate, and keeps it within 255 bytes', () => {
    const tls = { certFile: '/etc/triporteur/portal.pem', keyFile: '/etc/triporteur/portal.key' };
    expect(captiveApiUrl(validateHotspotConfig({}))).toBeUndefined();
    expect(captiveApiUrl(validateHotspotConfig({ portal: { hostname: 'wifi.pimms.org', tls } }))).toBe(
      'https://wifi.pimms.org/captive-portal/api',
    );
    const longName = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.org`;
    expect(refusal({ portal: { hostname: longName, apiPath: `/${'p'.repeat(70)}`, tls } })).toContain('255 bytes');
  });

  it('refuses portal ports that DNS or DHCP own, and an idle timeout past the session timeout', () => {
    expect(refusal({ portal: { httpPort: 53 } })).toContain('portal/httpPort');
    expect(refusal({ portal: { httpPort: 8443 } })).toContain('portal/httpsPort');
    expect(refusal({ sessions: { idleTimeoutS: 7200, sessionTimeoutS: 3600 } })).toContain('idleTimeoutS');
  });
});
