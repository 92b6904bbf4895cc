import { describe, expect, it } from 'vitest';
import { validateHotspotConfig } from '../src/hotspot/config.js';
import { isOurTree, Shaper } from '../src/hotspot/sharing/shaper.js';
import { OK, type RecordedCommand, RecordingRunner } from '../src/hotspot/system/recording-runner.js';

// tc's answers below were captured from iproute2 6.1.0 (Debian 12) in a network namespace on a kernel
// without sch_fq_codel: `tc -batch -` on a missing qdisc kind and on a missing device (exit 1, stderr as
// shown), and `tc -j qdisc show dev br0 root` before (noqueue) and after the tree was applied.
const UNKNOWN_KIND = { stdout: '', stderr: 'Error: Specified qdisc kind is unknown.\nCommand failed -:4\n', code: 1 };
const NO_DEVICE = { stdout: '', stderr: 'Cannot find device "usb0"\nCommand failed -:1\n', code: 1 };
const NOQUEUE_ROOT = '[{"kind":"noqueue","handle":"0:","root":true,"refcnt":2,"options":{}}]';
const OUR_ROOT =
  '[{"kind":"htb","handle":"1:","root":true,"refcnt":2,"options":{"r2q":10,"default":"0x1","direct_packets_stat":0,"direct_qlen":1000}}]';

const config = validateHotspotConfig({
  residents: { dhcpRange: { start: '10.42.0.10', end: '10.42.0.11' } },
  uplink: { interfaces: ['eth0', 'usb0'] },
  bandwidth: { perClientDownKbit: 4000, perClientUpKbit: 1000 },
});
const batchOn = (command: RecordedCommand, dev: string) =>
  command.args.join(' ') === '-batch -' && (command.input ?? '').includes(`dev ${dev} `);

describe('Shaper', () => {
  it('builds the tree with fq_codel where the kernel has it', async () => {
    const runner = new RecordingRunner();
    const report = await new Shaper(runner).apply(config);
    expect(report).toEqual({ shaped: ['wlan0', 'eth0', 'usb0'], missing: [], unshaped: [], leaf: 'fq_codel' });
    expect(runner.lines()).toEqual(['tc -batch -', 'tc -batch -', 'tc -batch -']);
    expect(runner.calls[0]?.input).toContain('qdisc add dev wlan0 parent 1:2 fq_codel');
  });

  it('falls back to a byte FIFO per class when the kernel lacks fq_codel, and reports a missing uplink', async () => {
    const runner = new RecordingRunner((command) => {
      if (batchOn(command, 'usb0')) return NO_DEVICE;
      return command.input?.includes('fq_codel') ? UNKNOWN_KIND : OK;
    });
    const report = await new Shaper(runner).apply(config);
    expect(report).toEqual({ shaped: ['wlan0', 'eth0'], missing: ['usb0'], unshaped: [], leaf: 'bfifo' });
    // Once fq_codel is known missing, the next interface is not asked for it again.
    expect(runner.calls.map((call) => call.input?.includes('fq_codel'))).toEqual([true, false, false, false]);
  });

  it('throws a coded error when tc refuses the tree for another reason', async () => {
    const runner = new RecordingRunner(() => ({
      stdout: '',
      stderr: 'RTNETLINK answers: Operation not permitted\n',
      code: 2,
    }));
    await expect(new Shaper(runner).apply(config)).rejects.toMatchObject({
      code: 'EDG_HOTSPOT_SHAPER',
      message: expect.stringContaining('Operation not permitted'),
    });
  });

  it('takes its tree off interfaces whose ceiling was removed, and leaves other roots alone', async () => {
    const off = validateHotspotConfig({ uplink: { interfaces: ['eth0'] } });
    const runner = new RecordingRunner((command) => {
      if (command.args[0] !== '-j') return OK;
      return { stdout: command.args.includes('wlan0') ? OUR_ROOT : NOQUEUE_ROOT, stderr: '', code: 0 };
    });
    const report = await new Shaper(runner).apply(off);
    expect(report).toEqual({ shaped: [], missing: [], unshaped: ['wlan0'], leaf: undefined });
    expect(runner.calls.at(-2)?.input).toBe('qdisc del dev wlan0 root\n');
  });

  it('refuses tc output it does not understand with a coded error', () => {
    expect(() => isOurTree('qdisc htb 1: root')).toThrow(
      expect.objectContaining({ code: 'EDG_HOTSPOT_SHARING_OUTPUT' }),
    );
    expect(() => isOurTree('{}')).toThrow(expect.objectContaining({ code: 'EDG_HOTSPOT_SHARING_OUTPUT' }));
    expect(isOurTree(OUR_ROOT)).toBe(true);
    expect(isOurTree(NOQUEUE_ROOT)).toBe(false);
  });
});
