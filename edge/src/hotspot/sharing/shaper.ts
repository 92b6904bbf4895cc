import type { HotspotConfig } from '../config.js';
import type { CommandRunner } from '../system/command.js';
import { SHAPER_MAJOR } from './client-classes.js';
import { SharingError, SharingErrorCode } from './errors.js';
import {
  type LeafQdisc,
  renderShapingScript,
  renderUnshapingScript,
  type ShapingPlan,
  shapingPlans,
} from './shaping-script.js';

export interface ShapingReport {
  /** Interfaces that now carry the per-client tree. */
  shaped: string[];
  /** Interfaces with a ceiling configured that do not exist (a USB modem not plugged in yet). */
  missing: string[];
  /** Interfaces whose old tree was taken off because their ceiling is no longer configured. */
  unshaped: string[];
  /** The leaf queue used: fq_codel where the kernel has it (Raspberry Pi OS does), else a byte FIFO. */
  leaf: LeafQdisc | undefined;
}

// tc's own wording (iproute2 6.1, tc/tc_qdisc.c and the kernel's extack), as captured on Debian 12.
const UNKNOWN_KIND = /Specified qdisc kind is unknown/;
const NO_DEVICE = /Cannot find device/;

/**
 * Applies the per-client ceilings with tc, through the same CommandRunner as nft. Each interface is
 * one `tc -batch -`; a missing interface is reported rather than thrown, so residents on the others
 * still get their ceilings, and the caller can say so.
 */
export class Shaper {
  constructor(private readonly runner: CommandRunner) {}

  async apply(config: HotspotConfig): Promise<ShapingReport> {
    const plans = shapingPlans(config);
    const report: ShapingReport = { shaped: [], missing: [], unshaped: [], leaf: undefined };
    for (const plan of plans) {
      const leaf = await this.shape(config, plan, report.leaf ?? 'fq_codel');
      if (leaf === undefined) report.missing.push(plan.interface);
      else {
        report.shaped.push(plan.interface);
        report.leaf = leaf;
      }
    }
    const planned = new Set(plans.map((plan) => plan.interface));
    const candidates = [config.residents.interface, ...config.uplink.interfaces].filter((name) => !planned.has(name));
    for (const name of candidates) if (await this.unshape(name)) report.unshaped.push(name);
    return report;
  }

  /** Resolves to the leaf used, or undefined when the interface does not exist. */
  private async shape(config: HotspotConfig, plan: ShapingPlan, leaf: LeafQdisc): Promise<LeafQdisc | undefined> {
    const result = await this.batch(renderShapingScript(config, plan, leaf));
    if (result.code === 0) return leaf;
    if (NO_DEVICE.test(result.stderr)) return undefined;
    if (leaf === 'fq_codel' && UNKNOWN_KIND.test(result.stderr)) return this.shape(config, plan, 'bfifo');
    throw new SharingError(
      SharingErrorCode.SHAPER_FAILED,
      `tc refused the shaping tree on ${plan.interface}: ${result.stderr.trim() || `exit ${result.code}`}`,
    );
  }

  /** Takes our HTB tree off an interface that no longer needs one; true if there was one. */
  private async unshape(name: string): Promise<boolean> {
    const listed = await this.runner.run('tc', ['-j', 'qdisc', 'show', 'dev', name, 'root']);
    if (listed.code !== 0) {
      if (NO_DEVICE.test(listed.stderr)) return false;
      throw new SharingError(SharingErrorCode.SHAPER_FAILED, `tc cannot list ${name}'s qdisc: ${listed.stderr.trim()}`);
    }
    if (!isOurTree(listed.stdout)) return false;
    const result = await this.batch(renderUnshapingScript(name));
    if (result.code !== 0) {
      throw new SharingError(SharingErrorCode.SHAPER_FAILED, `tc cannot unshape ${name}: ${result.stderr.trim()}`);
    }
    return true;
  }

  private batch(script: string) {
    return this.runner.run('tc', ['-batch', '-'], { input: script });
  }
}

/** `tc -j qdisc show dev X root`: an HTB qdisc with our handle at the root. */
export function isOurTree(stdout: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new SharingError(SharingErrorCode.TOOL_OUTPUT, 'tc -j qdisc show did not answer JSON');
  }
  if (!Array.isArray(parsed)) throw new SharingError(SharingErrorCode.TOOL_OUTPUT, 'tc -j qdisc show: not a list');
  return parsed.some(
    (qdisc: unknown) =>
      typeof qdisc === 'object' &&
      qdisc !== null &&
      (qdisc as { kind?: unknown }).kind === 'htb' &&
      (qdisc as { handle?: unknown }).handle === `${SHAPER_MAJOR}:` &&
      (qdisc as { root?: unknown }).root === true,
  );
}
