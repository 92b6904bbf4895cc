import { appendFile, chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * hostapd's station events need a radio, which no test machine has. This stands in for `hostapd_cli`
 * (put first in PATH, so `stdbuf -oL hostapd_cli …` finds it): attached (`-G…`), it prints hostapd_cli's
 * banner, then every line appended to `events`, resuming where the previous run stopped; `@exit <n>`
 * makes it die with status n. `all_sta` prints the file `stations`; `status` answers as with no hostapd. Each call is logged to `calls`.
 */
const FAKE = `
const fs = require('node:fs');
const path = require('node:path');
const dir = path.dirname(__filename);
const args = process.argv.slice(2);
fs.appendFileSync(path.join(dir, 'calls'), args.join(' ') + '\\n');
if (args.includes('status')) {
  // What the real hostapd_cli 2.10 prints, and its status, when no hostapd holds the control socket.
  process.stderr.write('Failed to connect to hostapd - wpa_ctrl_open: No such file or directory\\n');
  process.exit(255);
}
if (args.includes('all_sta')) {
  const file = path.join(dir, 'stations');
  process.stdout.write(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
  process.exit(0);
}
process.stdout.write('hostapd_cli v2.10\\nCopyright (c) 2004-2022, Jouni Malinen <j@w1.fi> and contributors\\n\\n\\nInteractive mode\\n\\n');
const cursorFile = path.join(dir, 'cursor');
let cursor = fs.existsSync(cursorFile) ? Number(fs.readFileSync(cursorFile, 'utf8')) : 0;
const tick = () => {
  let text = '';
  try { text = fs.readFileSync(path.join(dir, 'events'), 'utf8'); } catch { return; }
  for (let nl = text.indexOf('\\n', cursor); nl >= 0; nl = text.indexOf('\\n', cursor)) {
    const line = text.slice(cursor, nl);
    cursor = nl + 1;
    fs.writeFileSync(cursorFile, String(cursor));
    const exit = /^@exit (\\d+)$/.exec(line);
    if (exit) process.exit(Number(exit[1]));
    process.stdout.write(line + '\\n');
  }
};
setInterval(tick, 20);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export interface FakeHostapdCli {
  /** Put this first in PATH. */
  binDir: string;
  /** Lines hostapd_cli prints, as it would print them. */
  print(...lines: string[]): Promise<void>;
  /** The attached hostapd_cli dies with this status. */
  kill(status: number): Promise<void>;
  /** What the next `all_sta` lists. */
  setStations(macs: readonly string[]): Promise<void>;
  /** The argument lists it was run with, in order. */
  calls(): Promise<string[]>;
  /** How many times it was started attached (not for a one-shot command). */
  attaches(): Promise<number>;
  remove(): Promise<void>;
}

export async function makeFakeHostapdCli(): Promise<FakeHostapdCli> {
  const dir = await mkdtemp(join(tmpdir(), 'tpt-fake-cli-'));
  const binDir = join(dir, 'bin');
  await mkdir(binDir);
  await writeFile(join(dir, 'fake-hostapd-cli.cjs'), FAKE);
  await writeFile(join(dir, 'events'), '');
  // The node that runs the tests, by its absolute path: PATH may not hold it where the fake runs.
  const wrapper = `#!/bin/sh\nexec '${process.execPath}' '${join(dir, 'fake-hostapd-cli.cjs')}' "$@"\n`;
  await writeFile(join(binDir, 'hostapd_cli'), wrapper);
  await chmod(join(binDir, 'hostapd_cli'), 0o755);
  const calls = async () => {
    const text = await readFile(join(dir, 'calls'), 'utf8').catch(() => '');
    return text.split('\n').filter((line) => line !== '');
  };
  return {
    binDir,
    print: (...lines) => appendFile(join(dir, 'events'), lines.map((line) => `${line}\n`).join('')),
    kill: (status) => appendFile(join(dir, 'events'), `@exit ${status}\n`),
    setStations: (macs) =>
      writeFile(join(dir, 'stations'), macs.map((mac) => `${mac}\nflags=[AUTH][ASSOC]\n`).join('')),
    calls,
    attaches: async () =>
      (await calls()).filter((call) => !call.includes('all_sta') && !call.endsWith('status')).length,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
