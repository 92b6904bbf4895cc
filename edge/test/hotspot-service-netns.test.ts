import type { ChildProcess } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHotspotFiles } from '../src/hotspot/service/files.js';
import type { HotspotTotals } from '../src/hotspot/sessions/totals.js';
import { runChecked } from '../src/hotspot/system/command.js';
import { PORTAL_HOST, ServiceRig } from './support/hotspot-service-netns.js';
import { type DhcpResult, INTERNET, MACS, PI_UPLINK } from './support/hotspot-topology.js';

// The whole hotspot for real, in namespaces: dnsmasq on the Pi (rendered config, real lease hook), the
// edge's hotspot service in the AP namespace (ruleset applied by it through nft, sessions, portal on the
// residents' address), a phone taking a lease with busybox udhcpc and going online with curl. hostapd
// needs a radio, so station events come from a stand-in hostapd_cli (support/hotspot-service-fake-cli.ts).
// Run `npx tsc -b` first: the service's process runs from dist/.
let rig: ServiceRig;
let service: ChildProcess;
let lease: DhcpResult;

beforeAll(async () => {
  rig = await ServiceRig.build();
  // What an older edge left behind: its allowed set keyed by address alone. nft cannot redefine a set in
  // place, so the service must replace the table rather than fail to start.
  const older = 'table inet triporteur {\n\tset allowed {\n\t\ttype ipv4_addr\n\t\tflags timeout\n\t}\n}\n';
  await runChecked(rig.topo.lab.runner(rig.topo.ns.ap), 'nft', ['-f', '-'], { input: older });
  service = await rig.startService();
}, 60_000);

afterAll(async () => {
  await rig?.cleanup();
});

const aggregate = () => rig.control<HotspotTotals>('/aggregate');
const refreshed = () => rig.control<HotspotTotals>('/refresh');
const c1 = () => rig.topo.ns.c1;
const probeUrl = 'http://connectivitycheck.gstatic.com/generate_204';

async function waitFor<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the hotspot service started by the edge', () => {
  it('runs the dnsmasq.conf that renderHotspotFiles gives the installer', async () => {
    const running = await readFile(join(rig.topo.dir, 'dnsmasq.conf'), 'utf8');
    expect(renderHotspotFiles(rig.section)['dnsmasq.conf']).toBe(running);
  });

  it('has applied its ruleset, and the portal listens on the residents’ side only', async () => {
    const table = await rig.topo.lab.sh(rig.topo.ns.ap, 'nft', ['list', 'table', 'inet', 'triporteur']);
    expect(table.stdout).toContain('dnat ip to 10.42.0.1:8081');
    expect(await rig.topo.probe(rig.topo.ns.inet, 'tcp', PI_UPLINK, 8081)).toBe('ECONNREFUSED');
    expect(await aggregate()).toMatchObject({ kind: 'hotspot', sessionsNow: 0, distinctDevicesToday: 0 });
    expect(await readFile(rig.logFile, 'utf8')).toContain('"event":"ruleset-reload-failed"');
  });

  it('settles the radio channel with no hostapd, NetworkManager or systemd: configured, written 0600, restart failure logged', async () => {
    expect(await aggregate()).toMatchObject({ channel: 6, channelSource: 'configured' });
    expect((await aggregate()).networksSeen).toBeUndefined();
    const conf = join(rig.topo.dir, 'run', 'hostapd.conf');
    expect(await readFile(conf, 'utf8')).toMatch(/^channel=6$/m);
    expect((await stat(conf)).mode & 0o777).toBe(0o600);
    const log = await readFile(rig.logFile, 'utf8');
    expect(log).toContain('"code":"EDG_HOTSPOT_HOSTAPD_RESTART"');
    expect(log).toContain('"event":"site-survey-failed"');
  });

  it('learns of a new phone from its DHCP lease (dnsmasq → lease hook → events file)', async () => {
    lease = await rig.topo.dhcp('c1');
    expect(lease.ip).toMatch(/^10\.42\.0\.\d+$/);
    await waitFor(aggregate, (a) => a.distinctDevicesToday === 1, 'the lease to reach the sessions');
  });

  it('keeps the phone captive: its probe is sent to the portal, HTTPS says captive', async () => {
    const probe = await rig.curl(c1(), probeUrl);
    expect(probe.status).toBe(302);
    expect(probe.headers.get('location')).toBe(`http://${PORTAL_HOST}/`);
    const api = await rig.curl(c1(), `https://${PORTAL_HOST}/captive-portal/api`);
    expect(api.headers.get('content-type')).toBe('application/captive+json');
    expect(JSON.parse(api.body)).toMatchObject({ captive: true });
    expect((await rig.curl(c1(), `http://${INTERNET}/`)).status).toBe(302);
  });

  it('lets it online after "Se connecter" on the landing page, which the sessions count', async () => {
    const landing = await rig.curl(c1(), `http://${PORTAL_HOST}/`);
    expect(landing.status).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(landing.body)?.[1];
    expect(csrf).toBeDefined();
    const answer = { reason: 'job' };
    const login = await rig.curl(c1(), `http://${PORTAL_HOST}/login`, { csrf: csrf ?? '', lang: 'fr', ...answer });
    expect(login.status).toBe(200);
    // The answer reaches the aggregate telemetry sends, as counts only: every option, no who or when.
    expect((await aggregate()).questionnaireToday).toEqual({
      responses: 1,
      answers: {
        reason: { admin: 0, job: 1, family: 0, school: 0, other: 0 },
        autonomy: { alone: 0, help: 0, hard: 0 },
        access: { home: 0, mobile: 0, none: 0 },
      },
    });

    const out = await rig.curl(c1(), `http://${INTERNET}/`);
    expect(out.body).toBe(`internet ${INTERNET} ${PI_UPLINK}`);
    expect((await rig.curl(c1(), probeUrl)).body).toBe(`internet ${INTERNET} ${PI_UPLINK}`);
    const api = JSON.parse((await rig.curl(c1(), `https://${PORTAL_HOST}/captive-portal/api`)).body);
    expect(api).toMatchObject({ captive: false });
    expect(api['seconds-remaining']).toBeGreaterThan(0);

    const totals = await refreshed();
    expect(totals).toMatchObject({ sessionsNow: 1, sessionsToday: 1, distinctDevicesToday: 1 });
    expect(totals.bytesUp).toBeGreaterThan(0);
    expect(totals.bytesDown).toBeGreaterThan(0);
    const allowed = await rig.topo.lab.sh(rig.topo.ns.ap, 'nft', ['list', 'set', 'inet', 'triporteur', 'allowed']);
    expect(allowed.stdout).toContain(`${lease.ip} . ${MACS.c1}`);
  });

  it('counts the phone’s station from hostapd’s events', async () => {
    await rig.cli.setStations([MACS.c1]);
    await rig.cli.print(`<3>AP-STA-CONNECTED ${MACS.c1}`);
    await waitFor(aggregate, (a) => a.stationsNow === 1, 'the station');
  });

  it('leaves the ruleset and the session in place when it stops, and adopts the session when it starts again', async () => {
    await rig.stopService(service);
    expect((await rig.curl(c1(), `http://${INTERNET}/`)).body).toContain('internet');
    service = await rig.startService();
    const totals = await aggregate();
    expect(totals).toMatchObject({ sessionsNow: 1, stationsNow: 1, distinctDevicesToday: 1 });
    expect((await rig.curl(c1(), `http://${INTERNET}/`)).body).toContain('internet');
  });

  it('ends the session when the phone leaves the Wi-Fi: captive again at once', async () => {
    await rig.cli.setStations([]);
    await rig.cli.print(`<3>AP-STA-DISCONNECTED ${MACS.c1}`);
    await waitFor(aggregate, (a) => a.endedLeftToday === 1 && a.sessionsNow === 0, 'the session to end');
    await waitFor(
      () => rig.curl(c1(), `http://${INTERNET}/`),
      (r) => r.status === 302,
      'the phone to be captive again',
    );
  });

  it('never writes a MAC or a resident’s address at info level', async () => {
    const lines = (await readFile(rig.logFile, 'utf8')).split('\n').filter((line) => line !== '');
    const info = lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 30);
    expect(info.some((line) => /hotspot running/.test(line))).toBe(true);
    for (const line of info) {
      expect(line).not.toMatch(/[0-9a-f]{2}(:[0-9a-f]{2}){5}/i);
      expect(line).not.toContain(lease.ip);
    }
  });
});
