import { spawn } from 'node:child_process';

export interface ChildRun {
  /** Whole lines the child wrote before it died. */
  lines: string[];
  aliveMs: number;
}

/** Runs a compiled writer script with node until `afterReadyMs` past its first line, then SIGKILLs it. */
export function runAndKill(script: string, args: readonly string[], afterReadyMs: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let readyAt = 0;
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (readyAt === 0 && out.includes('\n')) {
        readyAt = Date.now();
        timer = setTimeout(() => child.kill('SIGKILL'), afterReadyMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer ended on its own (code ${code}): ${err}`));
      // Only whole lines count; writeSync of one short line to a pipe is atomic, so at most an empty tail.
      else resolve({ lines: out.split('\n').slice(0, -1), aliveMs: Date.now() - readyAt });
    });
  });
}
