import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CEILINGS, detectWifiCapacity } from '../src/wifi/capacity.js';
import { piTree, type SysfsTree, sysfsTree } from './fixtures/wifi-sysfs.js';

// Real directory trees in a temp dir, shaped like a Pi's /sys, /proc and /lib/firmware (fixtures/wifi-sysfs.ts).

const trees: SysfsTree[] = [];
const track = async (tree: Promise<SysfsTree>) => {
  const t = await tree;
  trees.push(t);
  return t;
};
afterEach(async () => {
  await Promise.all(trees.splice(0).map((t) => rm(t.root, { recursive: true, force: true })));
});

describe('detectWifiCapacity', () => {
  it('finds a Pi 4 CYW43455 on the stock firmware: ceiling 8', async () => {
    const { root } = await track(piTree('standard'));
    expect(await detectWifiCapacity({ root, interface: 'wlan0' })).toEqual({
      interface: 'wlan0',
      bus: 'sdio',
      vendorId: '02d0',
      deviceId: 'a9a6',
      driver: 'brcmfmac',
      board: 'raspberrypi,4-model-b',
      chip: 'CYW43455',
      firmware: { file: '/lib/firmware/cypress/cyfmac43455-sdio-standard.bin', variant: 'standard' },
      ceiling: 8,
      basis: 'cyw43455-standard',
      warnings: [],
    });
  });

  it('follows the alternatives link to the minimal firmware: ceiling 19', async () => {
    const { root } = await track(piTree('minimal', 'raspberrypi,3-model-b-plus'));
    const capacity = await detectWifiCapacity({ root, interface: 'wlan0' });
    expect(capacity).toMatchObject({
      chip: 'CYW43455',
      board: 'raspberrypi,3-model-b-plus',
      firmware: { file: '/lib/firmware/cypress/cyfmac43455-sdio-minimal.bin', variant: 'minimal' },
      ceiling: CEILINGS.cyw43455Minimal,
      basis: 'cyw43455-minimal',
      warnings: [],
    });
  });

  it('reads the board-specific firmware first (the Pi 5 ships a file of its own)', async () => {
    const tree = await track(piTree('minimal', 'raspberrypi,5-model-b'));
    await rm(`${tree.root}/lib/firmware/brcm/brcmfmac43455-sdio.raspberrypi,5-model-b.bin`);
    await tree.put('lib/firmware/brcm/brcmfmac43455-sdio.raspberrypi,5-model-b.bin', 'pi 5 build');
    const capacity = await detectWifiCapacity({ root: tree.root, interface: 'wlan0' });
    expect(capacity.firmware).toEqual({
      file: '/lib/firmware/brcm/brcmfmac43455-sdio.raspberrypi,5-model-b.bin',
      variant: 'other',
    });
    expect(capacity.ceiling).toBe(CEILINGS.cyw43455Standard);
    expect(capacity.warnings).toEqual([expect.stringContaining('neither the -standard nor the -minimal')]);
  });

  it('assumes the stock ceiling, with a warning, when the firmware link leads nowhere', async () => {
    const { root } = await track(piTree('none'));
    const capacity = await detectWifiCapacity({ root, interface: 'wlan0' });
    expect(capacity).toMatchObject({ chip: 'CYW43455', ceiling: 8, basis: 'cyw43455-standard' });
    expect(capacity.firmware).toBeUndefined();
    expect(capacity.warnings).toEqual([expect.stringContaining('no brcmfmac43455-sdio firmware')]);
  });

  it('survives a symlink loop in the firmware chain', async () => {
    const tree = await track(piTree('none'));
    await tree.link('lib/firmware/cypress/cyfmac43455-sdio.bin', '/etc/alternatives/cyfmac43455-sdio.bin');
    await tree.link('etc/alternatives/cyfmac43455-sdio.bin', '/lib/firmware/cypress/cyfmac43455-sdio.bin');
    const capacity = await detectWifiCapacity({ root: tree.root, interface: 'wlan0' });
    expect(capacity).toMatchObject({ ceiling: 8, basis: 'cyw43455-standard' });
    expect(capacity.warnings).toHaveLength(1);
  });

  it('does not take 02d0:a9a6 on a Pi 3B (a CYW43430) for a CYW43455', async () => {
    const { root } = await track(piTree('minimal', 'raspberrypi,3-model-b'));
    const capacity = await detectWifiCapacity({ root, interface: 'wlan0' });
    expect(capacity).toMatchObject({ driver: 'brcmfmac', deviceId: 'a9a6', basis: 'conservative-default' });
    expect(capacity.chip).toBeUndefined();
    expect(capacity.ceiling).toBe(CEILINGS.conservativeDefault);
    expect(capacity.warnings).toEqual([expect.stringContaining('unknown Wi-Fi chip (brcmfmac 02d0:a9a6)')]);
  });

  it('names an mt76 USB adapter but asks for a measured ceiling', async () => {
    const tree = await track(sysfsTree());
    const usb = 'sys/devices/platform/scb/fd500000.pcie/pci0000:00/0000:00:00.0/0000:01:00.0/usb1/1-1/1-1.2/1-1.2:1.0';
    await tree.put(
      `${usb}/uevent`,
      'DEVTYPE=usb_interface\nDRIVER=mt76x2u\nPRODUCT=e8d/7612/100\nTYPE=0/0/0\nINTERFACE=255/255/255\nMODALIAS=usb:v0E8Dp7612d0100dc00dsc00dp00icFFiscFFipFFin00\n',
    );
    await tree.link('sys/class/net/wlan1', `../../${usb.slice('sys/'.length)}/net/wlan1`);
    await tree.link(`${usb}/net/wlan1/device`, '../../../1-1.2:1.0');
    const capacity = await detectWifiCapacity({ root: tree.root, interface: 'wlan1' });
    expect(capacity).toMatchObject({
      bus: 'usb',
      vendorId: '0e8d',
      deviceId: '7612',
      driver: 'mt76x2u',
      chip: 'MT7612U',
      ceiling: CEILINGS.conservativeDefault,
      basis: 'conservative-default',
    });
    expect(capacity.warnings).toEqual([expect.stringContaining('hotspot.wifi.maxStations')]);
  });

  it('gives the conservative default, with a warning, for a missing interface or a bad name', async () => {
    const { root } = await track(sysfsTree());
    for (const name of ['wlan0', '../../etc']) {
      const capacity = await detectWifiCapacity({ root, interface: name });
      expect(capacity).toMatchObject({ ceiling: 8, basis: 'conservative-default' });
      expect(capacity.warnings).toHaveLength(1);
    }
  });
});
