import type { CheckResult, DoctorCheck } from '../check.js';
import { DoctorCode } from '../codes.js';
import type { DoctorContext } from '../context.js';
import { fail, firstLine, notConfigured, pass } from '../result.js';
import { runTool } from './tool.js';

/**
 * The system services the hotspot stands on, as systemd sees them: `systemctl is-active <unit>` prints the
 * unit's ActiveState (active, inactive, failed, activating, deactivating, reloading) and exits 0 only for
 * active (systemd src/systemctl/systemctl-is-active.c). dnsmasq is ours (hardware/systemd), not the
 * package's. nftables has no service of its own here: the edge loads its table at start, and the
 * nft-ruleset check reads the kernel's copy, which is what "running" means for a firewall.
 */
function serviceCheck(id: string, unit: (context: DoctorContext) => string, what: string): DoctorCheck<DoctorContext> {
  return {
    id,
    title: `Service ${what} en marche`,
    async run(context): Promise<CheckResult> {
      if (!context.config.hotspot) return notConfigured(id, 'pas de hotspot dans la configuration');
      const name = unit(context);
      const answer = await runTool(context, 'systemctl', ['is-active', name]);
      if (!answer.ok) {
        return fail(id, DoctorCode.SERVICE_DOWN, `${name} : systemctl ne répond pas (${answer.detail})`, answer.fix);
      }
      const state = firstLine(answer.result.stdout) || '(rien)';
      if (answer.result.code === 0 && state === 'active') return pass(id, `${name} : actif`);
      // Without systemd, systemctl says so on stderr and prints no state.
      const said = state === '(rien)' ? firstLine(answer.result.stderr) || state : state;
      return fail(
        id,
        DoctorCode.SERVICE_DOWN,
        `${name} : ${said}`,
        `\`systemctl status ${name}\` et \`journalctl -u ${name} -n 50\` disent pourquoi ; puis \`systemctl restart ${name}\`.`,
      );
    },
  };
}

export const serviceChecks: readonly DoctorCheck<DoctorContext>[] = [
  serviceCheck('service-hostapd', (c) => c.config.hotspot?.wifi.hostapdUnit ?? 'hostapd.service', 'hostapd (Wi-Fi)'),
  serviceCheck('service-dnsmasq', () => 'triporteur-dnsmasq.service', 'dnsmasq (DHCP et DNS)'),
];
