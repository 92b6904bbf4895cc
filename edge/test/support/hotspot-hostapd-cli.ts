import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostapdCliCommand } from '../../src/hotspot/system/hostapd-events.js';

/** Output of a child, and a way to wait until some text has appeared in it. */
class Watched {
  text = '';
  private readonly waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];

  constructor(readonly child: ChildProcess) {
    const onData = (chunk: Buffer) => {
      this.text += chunk.toString('utf8');
      for (const waiter of [...this.waiters]) {
        if (waiter.pattern.test(this.text)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  }

  until(pattern: RegExp): Promise<void> {
    if (pattern.test(this.text)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ pattern, resolve });
      this.child.once('exit', (code) => reject(new Error(`exited (${code}) waiting for ${pattern}: ${this.text}`)));
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await exited;
  }
}

/**
 * Records what an interactive hostapd_cli prints while attached to a real hostapd running without a
 * radio (driver=none): hostapd stops, hostapd_cli notices (ping every 1 s), hostapd starts again,
 * hostapd_cli re-attaches. Returns hostapd_cli's stdout as lines. Only the processes started here are
 * stopped, by their own handles; the control directory is private and removed.
 */
export async function recordHostapdCli(): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'tpt-hostapd-cli-'));
  const ctrl = join(dir, 'ctrl');
  const conf = join(dir, 'hostapd.conf');
  await mkdir(join(dir, 'client'));
  await writeFile(conf, `interface=wlan0\ndriver=none\nctrl_interface=${ctrl}\nssid=Wifi social\nchannel=6\n`);
  const startHostapd = async () => {
    const hostapd = new Watched(spawn('hostapd', ['-d', conf], { stdio: ['ignore', 'pipe', 'pipe'] }));
    await hostapd.until(/interface state UNINITIALIZED->/);
    return hostapd;
  };
  const running: Watched[] = [];
  try {
    let hostapd = await startHostapd();
    running.push(hostapd);
    const { file, args } = hostapdCliCommand(ctrl, 'wlan0', 1);
    const cli = new Watched(spawn(file, [...args, `-s${join(dir, 'client')}`], { stdio: ['pipe', 'pipe', 'pipe'] }));
    running.push(cli);
    await cli.until(/Interactive mode/);
    // A command's answer proves the attach before it has happened: hostapd_cli attaches first.
    cli.child.stdin?.write('ping\n');
    await cli.until(/PONG/);
    await hostapd.stop();
    await cli.until(/Connection to hostapd lost/);
    hostapd = await startHostapd();
    running.push(hostapd);
    await cli.until(/Connection to hostapd re-established/);
    cli.child.stdin?.end();
    await cli.stop();
    return cli.text.split('\n');
  } finally {
    for (const process of running) await process.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
