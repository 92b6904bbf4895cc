import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateHotspotConfig } from '../src/hotspot/config.js';
import { Firewall } from '../src/hotspot/system/firewall.js';
import { renderRuleset } from '../src/hotspot/system/ruleset.js';
import { NetnsLab } from './support/hotspot-netns.js';

// The shared radio at the depot (edge/src/wifi/radio-handover.ts): hostapd is stopped and wlan0 joins the
// depot network, while the captive ruleset stays loaded for the residents' return. Replies to what the Pi
// opens then come in on the residents' interface from depot addresses; the ruleset must let them in, and
// still refuse anything new from there. Real nft and a real TCP exchange between two namespaces.

const DEPOT_HOST = '192.168.50.1';
const PI_ON_DEPOT = '192.168.50.20';

/** A TCP server that greets each connection with `word` and closes it. */
const server = (port: number, word: string) =>
  `require('node:net').createServer((s) => s.end('${word}\\n')).listen(${port}, () => console.log('ready'))`;

let lab: NetnsLab;
let pi: string;
let depot: string;

beforeAll(async () => {
  lab = new NetnsLab();
  pi = await lab.add('pi');
  depot = await lab.add('depot');
  await lab.veth({ ns: pi, name: 'wlan0' }, { ns: depot, name: 'ap0' });
  await lab.sh(pi, 'ip', ['addr', 'add', `${PI_ON_DEPOT}/24`, 'dev', 'wlan0']);
  await lab.sh(pi, 'ip', ['link', 'set', 'wlan0', 'up']);
  await lab.sh(depot, 'ip', ['addr', 'add', `${DEPOT_HOST}/24`, 'dev', 'ap0']);
  await lab.sh(depot, 'ip', ['link', 'set', 'ap0', 'up']);
  // The depot's sync server, and one on the Pi that a depot host must not reach.
  await lab.start(depot, process.execPath, ['-e', server(8080, 'depot')], { ready: /ready/ });
  await lab.start(pi, process.execPath, ['-e', server(2222, 'pi')], { ready: /ready/ });
  const config = validateHotspotConfig({
    residents: { interface: 'wlan0', ssid: 'Wifi social' },
    uplink: { interfaces: ['eth0'] },
  });
  await new Firewall(lab.runner(pi)).apply(renderRuleset(config), { keepAllowed: false });
}, 60_000);

afterAll(async () => {
  await lab?.cleanup();
});

const connect = (ns: string, host: string, port: number) =>
  lab.try(ns, 'busybox', ['nc', '-w', '3', host, String(port)], 10_000);

describe('the captive ruleset while the radio is on the depot network', () => {
  it('lets in the replies to a connection the Pi opened to the depot', async () => {
    const answer = await connect(pi, DEPOT_HOST, 8080);
    expect(answer.stdout.trim()).toBe('depot');
  });

  it('still refuses a new connection from a depot address to the Pi', async () => {
    const answer = await connect(depot, PI_ON_DEPOT, 2222);
    expect(answer.stdout.trim()).not.toBe('pi');
  });
});
