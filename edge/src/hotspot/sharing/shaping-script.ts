import type { HotspotConfig } from '../config.js';
import { type ClientClass, clientClasses, SHAPER_MAJOR, UNSHAPED_MINOR } from './client-classes.js';

/**
 * The per-client ceilings as tc batch scripts, one per interface: download is shaped where it leaves
 * for the residents (their interface), upload where it leaves for the 4G router (each uplink). The
 * nft ruleset tags each resident's packets with its class (client-classes.ts).
 *
 * Why shaping and not the nft policer the ruleset used before (measured in network namespaces, two
 * TCP clients at once for 3 s, hardware/hotspot/README.md): policing drops what exceeds the rate, so
 * TCP first overshoots by the policer's burst, then stalls on losses. With a 4 Mbit/s ceiling it let
 * 6.5 Mbit/s through on average (10.5 Mbit/s in the first second) with 200 ms stalls, and still
 * 5.3 Mbit/s with a burst cut to 50 ms. An HTB class queues instead of dropping: 3.8 Mbit/s, never
 * above 4.3 Mbit/s in any second, and no loss.
 */

/** fq_codel keeps one resident's bulk download from delaying their own calls; a byte FIFO is the fallback. */
export type LeafQdisc = 'fq_codel' | 'bfifo';

export interface ShapingPlan {
  /** The interface to shape, and the ceiling of every resident's class there. */
  interface: string;
  kbit: number;
  direction: 'down' | 'up';
}

/** Where the config asks for ceilings: nothing for a direction without one. */
export function shapingPlans(config: HotspotConfig): ShapingPlan[] {
  const { perClientDownKbit, perClientUpKbit } = config.bandwidth;
  return [
    ...(perClientDownKbit
      ? [{ interface: config.residents.interface, kbit: perClientDownKbit, direction: 'down' as const }]
      : []),
    ...(perClientUpKbit
      ? config.uplink.interfaces.map((name) => ({ interface: name, kbit: perClientUpKbit, direction: 'up' as const }))
      : []),
  ];
}

/** Far above any 4G link: the unshaped class never holds anything back. */
const UNSHAPED_RATE = '10gbit';
/** HTB's quantum only matters when classes borrow; ours never do (rate = ceil), so keep it small and quiet. */
const QUANTUM = 1514;
/** GRO hands the Pi packets of up to 64 KiB; a FIFO must hold a few of them whatever the ceiling. */
const GSO_MAX_BYTES = 65_536;

/**
 * The tc batch for one interface. It replaces whatever root qdisc is there with a fresh HTB tree, so
 * it can be run again at every start and after a config change: first a plain FIFO (a different kind,
 * so the old tree and its classes go), then the tree.
 */
export function renderShapingScript(config: HotspotConfig, plan: ShapingPlan, leaf: LeafQdisc): string {
  const dev = `dev ${plan.interface}`;
  const root = `${SHAPER_MAJOR}:`;
  const lines = [
    `qdisc replace ${dev} root pfifo`,
    `qdisc replace ${dev} root handle ${root} htb default ${UNSHAPED_MINOR.toString(16)}`,
    `class add ${dev} parent ${root} classid ${SHAPER_MAJOR}:${UNSHAPED_MINOR.toString(16)} htb rate ${UNSHAPED_RATE} quantum ${QUANTUM}`,
    `qdisc add ${dev} parent ${SHAPER_MAJOR}:${UNSHAPED_MINOR.toString(16)} ${leafSpec(leaf, undefined)}`,
    ...clientClasses(config).flatMap((client) => clientLines(dev, root, client, plan.kbit, leaf)),
  ];
  return `${lines.join('\n')}\n`;
}

function clientLines(dev: string, root: string, client: ClientClass, kbit: number, leaf: LeafQdisc): string[] {
  return [
    `class add ${dev} parent ${root} classid ${client.classId} htb rate ${kbit}kbit ceil ${kbit}kbit quantum ${QUANTUM}`,
    `qdisc add ${dev} parent ${client.classId} ${leafSpec(leaf, kbit)}`,
  ];
}

/**
 * Every class gets its own leaf: HTB's default leaf is a FIFO as long as the interface's txqueuelen,
 * which is 0 on a bridge and would hold a single packet. The byte FIFO holds ~250 ms at the ceiling.
 */
function leafSpec(leaf: LeafQdisc, kbit: number | undefined): string {
  if (leaf === 'fq_codel') return 'fq_codel';
  const quarterSecond = kbit === undefined ? 4 * 1024 * 1024 : (kbit * 1000) / 8 / 4;
  return `bfifo limit ${Math.max(Math.round(quarterSecond), 3 * GSO_MAX_BYTES)}`;
}

/** The tc batch that takes our tree off an interface (the kernel's default qdisc comes back). */
export function renderUnshapingScript(interfaceName: string): string {
  return `qdisc del dev ${interfaceName} root\n`;
}
