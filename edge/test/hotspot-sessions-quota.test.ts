import type { Clock, ManualClock } from '@triporteur/firmware-bridge';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LocalDay } from '../src/hotspot/sessions/local-day.js';
import { type QuotaLimits, QuotaMeter } from '../src/hotspot/sessions/quota-meter.js';
import { parseUsageSet } from '../src/hotspot/sharing/usage.js';
import { type SessionsRig, sessionsRig } from './support/hotspot-sessions-fakes.js';

const PHONE = 'a2:11:22:33:44:55';
const PHONE_IP = '10.42.0.17';
const NEXT_HOLDER = '5e:aa:bb:cc:dd:ee';
const CHECK_MS = 5_000;
const MB = 1_000_000;

/** The kernel's usage sets as the meter reads them: a running byte count per address. */
class KernelUsage {
  readonly bytes = new Map<string, number>();
  failing = false;
  read = async (): Promise<ReadonlyMap<string, number>> => {
    if (this.failing) throw Object.assign(new Error('nft: No such file or directory'), { code: 'EDG_HOTSPOT_COMMAND' });
    return new Map(this.bytes);
  };
  add(ip: string, bytes: number): void {
    this.bytes.set(ip, (this.bytes.get(ip) ?? 0) + bytes);
  }
}

interface QuotaRig extends SessionsRig {
  meter: QuotaMeter;
  usage: KernelUsage;
  /** Moves the clock one check interval and lets the read and its consequences finish. */
  check(): Promise<void>;
}

async function quotaRig(limits: QuotaLimits): Promise<QuotaRig> {
  let clock: ManualClock | undefined;
  // The rig makes its clock; the meter is built before it, so it reaches that clock through this.
  const shared: Clock = {
    now: () => (clock as ManualClock).now(),
    setTimeout: (fn, ms) => (clock as ManualClock).setTimeout(fn, ms),
    clearTimeout: (handle) => (clock as ManualClock).clearTimeout(handle),
  };
  const usage = new KernelUsage();
  const day = new LocalDay('Europe/Paris');
  let meter: QuotaMeter | undefined;
  const rig = await sessionsRig({
    quota: {
      bytesRemaining: (ip) => meter?.bytesRemaining(ip),
      opened: (ip, device) => meter?.opened(ip, device),
      closed: (ip) => meter?.closed(ip),
      admits: (device) => meter?.admits(device) ?? true,
      onExhausted: (listener) => (meter as QuotaMeter).onExhausted(listener),
    },
    before: (r) => {
      clock = r.clock;
      meter = new QuotaMeter({
        limits,
        readUsage: usage.read,
        clock: shared,
        dayOf: (at) => day.key(at),
        logger: pino({ level: 'silent' }),
        checkIntervalMs: CHECK_MS,
      });
      meter.start();
    },
  });
  const check = async () => {
    rig.clock.advance(CHECK_MS);
    await rig.settle();
    await (meter as QuotaMeter).poll();
    await rig.settle();
  };
  return { ...rig, meter: meter as QuotaMeter, usage, check };
}

async function acceptPhone(rig: QuotaRig, mac = PHONE) {
  rig.join(mac, PHONE_IP);
  const result = await rig.sessions.accept(PHONE_IP);
  await rig.meter.poll();
  return result;
}

describe('volume quotas over the kernel counters', () => {
  it('shows bytes-remaining falling, then ends the session with reason quota and revokes it', async () => {
    const rig = await quotaRig({ bytesPerDay: 3 * MB });
    expect((await acceptPhone(rig)).ok).toBe(true);
    expect((await rig.sessions.lookup(PHONE_IP)).bytesRemaining).toBe(3 * MB);
    rig.usage.add(PHONE_IP, 1 * MB);
    await rig.check();
    expect((await rig.sessions.lookup(PHONE_IP)).bytesRemaining).toBe(2 * MB);
    rig.usage.add(PHONE_IP, 1.5 * MB);
    await rig.check();
    expect((await rig.sessions.lookup(PHONE_IP)).bytesRemaining).toBe(0.5 * MB);
    expect(rig.firewall.has(PHONE_IP)).toBe(true);

    rig.usage.add(PHONE_IP, 0.6 * MB);
    await rig.check();
    const view = await rig.sessions.lookup(PHONE_IP);
    expect(view).toMatchObject({ accepted: false });
    expect(view.bytesRemaining).toBeUndefined();
    expect(rig.firewall.has(PHONE_IP)).toBe(false);
    expect(rig.sessions.aggregate()).toMatchObject({ endedQuotaToday: 1, sessionsNow: 0 });
    expect(rig.lines.some((line) => line.includes('"reason":"quota"'))).toBe(true);
  });

  it('refuses the device with reason quota for the rest of the day, and lets it in after midnight', async () => {
    const rig = await quotaRig({ bytesPerDay: 3 * MB });
    await acceptPhone(rig);
    rig.usage.add(PHONE_IP, 4 * MB);
    await rig.check();
    expect(await rig.sessions.accept(PHONE_IP)).toEqual({ ok: false, reason: 'quota' });
    // Paris midnight (the rig starts at 12:00 Paris time).
    rig.clock.advance(12 * 3600 * 1000);
    const result = await rig.sessions.accept(PHONE_IP);
    expect(result.ok).toBe(true);
    await rig.meter.poll();
    expect((await rig.sessions.lookup(PHONE_IP)).bytesRemaining).toBe(3 * MB);
  });

  it('with a per-session quota only, a new session starts with a full allowance', async () => {
    const rig = await quotaRig({ bytesPerSession: 2 * MB });
    await acceptPhone(rig);
    rig.usage.add(PHONE_IP, 2 * MB);
    await rig.check();
    expect(rig.sessions.aggregate().endedQuotaToday).toBe(1);
    expect((await rig.sessions.accept(PHONE_IP)).ok).toBe(true);
    await rig.meter.poll();
    expect((await rig.sessions.lookup(PHONE_IP)).bytesRemaining).toBe(2 * MB);
  });

  it('charges the smaller of the session and day allowances', async () => {
    const rig = await quotaRig({ bytesPerSession: 2 * MB, bytesPerDay: 5 * MB });
    await acceptPhone(rig);
    rig.usage.add(PHONE_IP, 1 * MB);
    await rig.check();
    expect((await rig.sessions.lookup(PHONE_IP)).bytesRemaining).toBe(1 * MB);
  });

  it('never charges a device for what its address moved before its session (a previous holder)', async () => {
    const rig = await quotaRig({ bytesPerDay: 3 * MB });
    rig.usage.add(PHONE_IP, 50 * MB);
    await acceptPhone(rig, NEXT_HOLDER);
    await rig.check();
    expect((await rig.sessions.lookup(PHONE_IP)).bytesRemaining).toBe(3 * MB);
  });

  it('reads a counter that went down as a ruleset replacement, not as negative traffic', async () => {
    const rig = await quotaRig({ bytesPerDay: 10 * MB });
    await acceptPhone(rig);
    rig.usage.add(PHONE_IP, 2 * MB);
    await rig.check();
    rig.usage.bytes.set(PHONE_IP, 1 * MB);
    await rig.check();
    expect((await rig.sessions.lookup(PHONE_IP)).bytesRemaining).toBe(7 * MB);
  });

  it('keeps metering after a failed read of the counters', async () => {
    const rig = await quotaRig({ bytesPerDay: 3 * MB });
    await acceptPhone(rig);
    rig.usage.failing = true;
    rig.usage.add(PHONE_IP, 1 * MB);
    await expect(rig.meter.poll()).rejects.toMatchObject({ code: 'EDG_HOTSPOT_COMMAND' });
    rig.usage.failing = false;
    await rig.check();
    expect((await rig.sessions.lookup(PHONE_IP)).bytesRemaining).toBe(2 * MB);
  });
});

describe('parseUsageSet', () => {
  // Captured from nft 1.0.6 (Debian 12): `nft -j list set inet triporteur usage_down` after traffic.
  const LISTED =
    '{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, ' +
    '{"set": {"family": "inet", "name": "usage_down", "table": "triporteur", "type": "ipv4_addr", "handle": 18, ' +
    '"size": 4096, "elem": [{"elem": {"val": "10.42.0.11", "counter": {"packets": 2210, "bytes": 3204551}}}], ' +
    '"stmt": [{"counter": null}]}}]}';
  const EMPTY =
    '{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, ' +
    '{"set": {"family": "inet", "name": "usage_up", "table": "triporteur", "type": "ipv4_addr", "handle": 17, ' +
    '"size": 4096, "stmt": [{"counter": null}]}}]}';

  it('gives the bytes per address', () => {
    expect(parseUsageSet(LISTED)).toEqual(new Map([['10.42.0.11', 3_204_551]]));
    expect(parseUsageSet(EMPTY)).toEqual(new Map());
  });

  it.each([
    ['not JSON', 'Error: No such file or directory'],
    ['no set', '{"nftables": []}'],
    ['an element without counter', LISTED.replace(', "counter": {"packets": 2210, "bytes": 3204551}', '')],
    ['a negative count', LISTED.replace('3204551', '-1')],
    ['an address that is not one', LISTED.replace('10.42.0.11', '10.42.0.300')],
  ])('refuses %s with a coded error', (_what, stdout) => {
    expect(() => parseUsageSet(stdout)).toThrow(expect.objectContaining({ code: 'EDG_HOTSPOT_SHARING_OUTPUT' }));
  });
});
