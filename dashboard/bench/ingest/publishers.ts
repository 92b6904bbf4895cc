import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type {
  BurstDone,
  ChildReply,
  ChildRequest,
  Connected,
  ConnectRequest,
  PacedDone,
  PacedRequest,
} from './protocol.js';

/**
 * The bench's handle on its publisher process: one request at a time, each answered by one reply. A
 * failure the child reports between requests (a unit lost its connection) fails the next request.
 */
export class Publishers {
  private readonly child: ChildProcess;
  private waiting: { resolve: (reply: ChildReply) => void; reject: (err: Error) => void } | undefined;
  private failure: Error | undefined;

  private constructor() {
    this.child = fork(join(import.meta.dirname, 'publisher-child.js'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: ChildReply) => {
      if (message.type === 'failed') {
        this.failure ??= new Error(`publishers: ${message.message}`);
        this.waiting?.reject(this.failure);
      } else {
        this.waiting?.resolve(message);
      }
      this.waiting = undefined;
    });
    this.child.on('exit', (code, signal) => {
      this.failure ??= new Error(`publishers: the process exited (${code ?? signal})`);
      this.waiting?.reject(this.failure);
      this.waiting = undefined;
    });
  }

  static start(): Publishers {
    return new Publishers();
  }

  private ask<T extends ChildReply>(request: ChildRequest, expected: T['type'], timeoutMs: number): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiting) return Promise.reject(new Error('publishers: a request is already under way'));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`publishers: no answer to "${request.type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting = {
        resolve: (reply) => {
          clearTimeout(timer);
          if (reply.type === expected) resolve(reply as T);
          else reject(new Error(`publishers: expected "${expected}", got "${reply.type}"`));
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      this.child.send(request);
    });
  }

  connect(request: Omit<ConnectRequest, 'type'>): Promise<Connected> {
    return this.ask({ type: 'connect', ...request }, 'connected', 120_000);
  }

  burst(repeat = 1): Promise<BurstDone> {
    return this.ask({ type: 'burst', repeat }, 'burst-done', 120_000);
  }

  paced(request: Omit<PacedRequest, 'type'>): Promise<PacedDone> {
    const budget = request.warmupMs + request.measureMs + request.settleMs + 30_000;
    return this.ask({ type: 'paced', ...request }, 'paced-done', budget);
  }

  /** Disconnects the units and ends the process; never throws (it runs on the way out). */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.ask({ type: 'close' }, 'closed', 15_000).catch(() => undefined);
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
