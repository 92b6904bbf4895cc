import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** hostapd.conf as key/value maps, one per BSS (the first is the radio's); a key twice in a BSS throws. */
export function parseHostapdConfig(text: string): Array<Map<string, string>> {
  const sections: Array<Map<string, string>> = [new Map()];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const eq = raw.indexOf('=');
    if (eq <= 0) throw new Error(`not a key=value line: ${raw}`);
    const key = raw.slice(0, eq);
    if (key === 'bss') sections.push(new Map());
    const section = sections[sections.length - 1] as Map<string, string>;
    if (section.has(key)) throw new Error(`key ${key} set twice in one BSS`);
    section.set(key, raw.slice(eq + 1));
  }
  return sections;
}

export interface HostapdCheck {
  ok: boolean;
  /** hostapd's own words: "Line 12: invalid WPA passphrase length…", "2 errors found…". */
  output: string;
}

/**
 * Has the real hostapd read a config, without a radio. hostapd has no check-only mode, so the config
 * runs with `driver=none` (no hardware) and a private control directory: a bad file makes hostapd print
 * its line errors and exit; a good one gets past parsing to the country update, where we stop it.
 */
export async function checkHostapdConfig(config: string): Promise<HostapdCheck> {
  const dir = await mkdtemp(join(tmpdir(), 'tpt-hostapd-'));
  try {
    const file = join(dir, 'hostapd.conf');
    const offline = config
      .replace(/^driver=.*$/m, 'driver=none')
      .replace(/^ctrl_interface=.*$/m, `ctrl_interface=${join(dir, 'ctrl')}`)
      // The service's group exists only where the installer made it (hardware/systemd); root's stands in.
      .replace(/^ctrl_interface_group=.*$/m, 'ctrl_interface_group=0')
      .replace(/^bridge=.*\n/m, '');
    await writeFile(file, offline, { mode: 0o600 });
    const child = spawn('hostapd', ['-d', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = once(child, 'exit');
    const parsed = new Promise<boolean>((resolve) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (/interface state UNINITIALIZED->/.test(output)) resolve(true);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exited.then(() => resolve(false));
    });
    const ok = await parsed;
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited.catch(() => undefined);
    return { ok: ok && !/errors? found in configuration file/.test(output), output };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
