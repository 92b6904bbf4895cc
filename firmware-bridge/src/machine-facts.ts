import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';

/** The machine a benchmark ran on, as every bench/results/*.json names it. */
export function machineFacts() {
  return {
    hostname: hostname(),
    platform: platform(),
    release: release(),
    arch: arch(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memBytes: totalmem(),
  };
}
