import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nftRulesetCheck } from '../src/doctor/checks/nft-ruleset.js';
import { DoctorCode } from '../src/doctor/codes.js';
import { hotspotConfigOf } from '../src/hotspot/edge-config.js';
import type { CommandRunner } from '../src/hotspot/system/command.js';
import { Firewall } from '../src/hotspot/system/firewall.js';
import { RecordingRunner } from '../src/hotspot/system/recording-runner.js';
import { renderRuleset } from '../src/hotspot/system/ruleset.js';
import { doctorConfig, doctorTestContext, HOTSPOT_PAGES } from './support/doctor-config.js';
import { NetnsLab } from './support/hotspot-netns.js';

// The real nft in a throw-away network namespace: the ruleset the edge renders, applied by the edge's own
// Firewall, then read back by doctor. Per-client ceilings are on so the class map is part of the table.
const config = doctorConfig({
  hotspot: { pages: HOTSPOT_PAGES, bandwidth: { perClientUpKbit: 2000, perClientDownKbit: 8000 } },
});
const section = config.hotspot;
if (!section) throw new Error('the test config has a hotspot');
const ruleset = renderRuleset(hotspotConfigOf(section));

let lab: NetnsLab;
let ns: string;
let runner: CommandRunner;
let firewall: Firewall;

beforeAll(async () => {
  lab = new NetnsLab();
  ns = await lab.add('doctor');
  runner = lab.runner(ns);
  firewall = new Firewall(runner);
}, 30_000);

afterAll(async () => {
  await lab?.cleanup();
});

const check = (commands: CommandRunner = runner) => nftRulesetCheck.run(doctorTestContext(config, { commands }));

describe('doctor: the nft ruleset in a real namespace', () => {
  it('passes when the table is the one the config renders', async () => {
    await firewall.apply(ruleset, { keepAllowed: false });
    const result = await check();
    expect(result).toMatchObject({ id: 'nft-ruleset', status: 'pass', code: DoctorCode.OK });
    expect(result.detail).toMatch(/^table conforme à la configuration : \d+ chaînes, \d+ règles$/);
  });

  it('still passes with clients in the allowed set: elements are live data, not drift', async () => {
    await firewall.allow({ ip: '10.42.0.23', mac: '02:00:00:00:00:23' }, 600);
    expect((await check()).status).toBe('pass');
  });

  it('fails DOC_NFT_DRIFT when a rule was removed, naming the chain', async () => {
    const edited = ruleset.replace('\t\ttcp dport 53 reject with tcp reset\n', '');
    expect(edited).not.toBe(ruleset);
    await firewall.apply(edited, { keepAllowed: false });
    const result = await check();
    expect(result).toMatchObject({ status: 'fail', code: DoctorCode.NFT_DRIFT });
    expect(result.detail).toContain('chaîne from_residents');
    expect(result.fix).toContain('systemctl restart triporteur-edge');
  });

  it('fails DOC_NFT_DRIFT on a chain added by hand', async () => {
    await firewall.apply(ruleset, { keepAllowed: false });
    await lab.sh(ns, 'nft', ['add', 'chain', 'inet', 'triporteur', 'by_hand']);
    const result = await check();
    expect(result).toMatchObject({ status: 'fail', code: DoctorCode.NFT_DRIFT });
    expect(result.detail).toContain('chaînes en trop : by_hand');
  });

  it('fails DOC_NFT_MISSING once the table is deleted', async () => {
    await firewall.apply(ruleset, { keepAllowed: false });
    await firewall.remove();
    const result = await check();
    expect(result).toMatchObject({ status: 'fail', code: DoctorCode.NFT_MISSING });
    expect(result.detail).toBe('la table inet triporteur est absente');
  });
});

describe('doctor: nft answers that are not a table', () => {
  it('fails DOC_NFT_DRIFT on output it cannot read, rather than guessing', async () => {
    const garbled = new RecordingRunner(() => ({ stdout: '{"nftables": 3}', stderr: '', code: 0 }));
    expect(await check(garbled)).toMatchObject({ status: 'fail', code: DoctorCode.NFT_DRIFT });
    const notJson = new RecordingRunner(() => ({ stdout: 'table inet triporteur {', stderr: '', code: 0 }));
    const result = await check(notJson);
    expect(result).toMatchObject({ status: 'fail', code: DoctorCode.NFT_DRIFT });
    expect(result.detail).toContain('illisible');
  });

  it('asks for root when nft is refused, and reads the one table it owns', async () => {
    const refused = new RecordingRunner(() => ({
      stdout: '',
      stderr: 'Error: Could not process rule: Operation not permitted\n',
      code: 1,
    }));
    const result = await check(refused);
    expect(result).toMatchObject({ status: 'fail', code: DoctorCode.NFT_MISSING });
    expect(result.fix).toContain('root');
    expect(refused.lines()).toEqual(['nft -j list table inet triporteur']);
  });
});
