import { describe, expect, it } from 'vitest';
import { parseConntrackLine } from '../src/legal-log/conntrack/parse.js';

// Lines captured on this machine (Debian 12, conntrack v1.4.7 from conntrack-tools) with
//   ip netns exec <ap> conntrack -E -e NEW,DESTROY -o timestamp,extended [-n -s 10.42.0.0/24]
// in a namespace that masquerades 10.42.0.0/24 (and fd00:42::/64) out of `uplink` 192.168.8.100
// (fd00:8::100), while a client namespace ran curl, a UDP echo and busybox ping towards 203.0.113.10 and
// 2001:db8:6::1, and `conntrack -D` ended the flows (hence [USERSPACE] portid=… on the DESTROY lines).
// The field layout is conntrack(8)'s `-o extended` (layer 3 name and number, layer 4 name and number,
// timeout, state, original tuple, flags, reply tuple) with `-o timestamp`'s `[seconds.micros]` and a tab.
const CAPTURED = {
  tcpNew:
    '[1795401393.679568]\t    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=10.42.0.50 dst=203.0.113.10 sport=40005 dport=80 [UNREPLIED] src=203.0.113.10 dst=192.168.8.100 sport=80 dport=51716',
  tcpDestroy:
    '[1795401394.257957]\t[DESTROY] ipv4     2 tcp      6 119 TIME_WAIT src=10.42.0.50 dst=203.0.113.10 sport=40005 dport=80 src=203.0.113.10 dst=192.168.8.100 sport=80 dport=51716 [ASSURED] [USERSPACE] portid=2419291264 progname=conntrack',
  udpNew:
    '[1795401358.603271]\t    [NEW] ipv4     2 udp      17 30 src=10.42.0.50 dst=203.0.113.10 sport=40002 dport=5353 [UNREPLIED] src=203.0.113.10 dst=192.168.8.100 sport=5353 dport=40002',
  udpDestroy:
    '[1795401358.621887]\t[DESTROY] ipv4     2 udp      17 29 src=10.42.0.50 dst=203.0.113.10 sport=40002 dport=5353 src=203.0.113.10 dst=192.168.8.100 sport=5353 dport=40002 [USERSPACE] portid=2769657204',
  icmpNew:
    '[1795401384.257666]\t    [NEW] ipv4     2 icmp     1 30 src=10.42.0.50 dst=203.0.113.10 type=8 code=0 id=6599 [UNREPLIED] src=203.0.113.10 dst=192.168.8.100 type=0 code=0 id=6599',
  tcpV6New:
    '[1795401393.795522]\t    [NEW] ipv6     10 tcp      6 120 SYN_SENT src=fd00:42::50 dst=2001:db8:6::1 sport=40006 dport=80 [UNREPLIED] src=2001:db8:6::1 dst=fd00:8::100 sport=80 dport=40006',
  /** `-o timestamp,extended,id` appends the flow id after the reply tuple: it must not be read as a port. */
  withId:
    '[1795401366.604288]\t[DESTROY] ipv4     2 udp      17 29 src=10.42.0.50 dst=203.0.113.10 sport=40002 dport=5353 src=203.0.113.10 dst=192.168.8.100 sport=5353 dport=40002 id=3895454394 [USERSPACE] portid=4070087961',
};

const DESTINATIONS = ['203.0.113.10', '2001:db8:6::1', '5353'];

describe('conntrack event lines', () => {
  it('keeps protocol, private address and port, translated address and port, and the time', () => {
    expect(parseConntrackLine(CAPTURED.tcpNew)).toEqual({
      ok: true,
      record: {
        kind: 'nat',
        event: 'new',
        at: 1_795_401_393_679,
        proto: 'tcp',
        ip: '10.42.0.50',
        port: 40_005,
        natIp: '192.168.8.100',
        natPort: 51_716,
      },
    });
    expect(parseConntrackLine(CAPTURED.tcpDestroy)).toMatchObject({
      ok: true,
      record: { event: 'destroy', at: 1_795_401_394_257, port: 40_005, natPort: 51_716 },
    });
  });

  it('reads udp, icmp (no ports), IPv6 and lines with trailing fields', () => {
    expect(parseConntrackLine(CAPTURED.udpNew)).toMatchObject({
      record: { proto: 'udp', event: 'new', port: 40_002, natPort: 40_002 },
    });
    expect(parseConntrackLine(CAPTURED.udpDestroy)).toMatchObject({ record: { proto: 'udp', event: 'destroy' } });
    expect(parseConntrackLine(CAPTURED.icmpNew)).toEqual({
      ok: true,
      record: {
        kind: 'nat',
        event: 'new',
        at: 1_795_401_384_257,
        proto: 'icmp',
        ip: '10.42.0.50',
        natIp: '192.168.8.100',
      },
    });
    expect(parseConntrackLine(CAPTURED.tcpV6New)).toMatchObject({
      record: { ip: 'fd00:42::50', port: 40_006, natIp: 'fd00:8::100', natPort: 40_006 },
    });
    expect(parseConntrackLine(CAPTURED.withId)).toMatchObject({ record: { port: 40_002, natPort: 40_002 } });
  });

  it('never keeps where a connection went', () => {
    for (const line of Object.values(CAPTURED)) {
      const text = JSON.stringify(parseConntrackLine(line));
      for (const destination of DESTINATIONS) expect(text, line).not.toContain(destination);
      expect(text).not.toMatch(/"(dst|dport|destination)"/);
    }
  });

  it('passes over UPDATE events and refuses malformed lines with a reason', () => {
    const update = CAPTURED.tcpNew.replace('    [NEW]', ' [UPDATE]');
    expect(parseConntrackLine(update)).toEqual({ ok: true, record: undefined });
    const malformed = [
      '',
      'conntrack v1.4.7 (conntrack-tools): 4 flow events have been shown.',
      CAPTURED.tcpNew.replace(/^\[[^\]]+\]/, '[soon]'),
      CAPTURED.tcpNew.replace('ipv4     2', 'ipx     2'),
      CAPTURED.tcpNew.slice(0, CAPTURED.tcpNew.indexOf('[UNREPLIED]')),
      CAPTURED.tcpNew.replace('src=10.42.0.50', 'src=10.42.0.500'),
      CAPTURED.tcpNew.replace('dport=51716', 'dport=65536'),
      CAPTURED.tcpNew.replace(' dport=51716', ''),
      CAPTURED.tcpNew.replace('sport=40005', 'sport=x'),
      '<flow type="new"><meta direction="original">',
    ];
    for (const line of malformed) {
      const parsed = parseConntrackLine(line);
      expect(parsed.ok, line).toBe(false);
      if (!parsed.ok) expect(parsed.reason).not.toBe('');
    }
  });
});
