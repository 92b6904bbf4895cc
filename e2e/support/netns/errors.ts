/** Stable codes for the namespace harness; tests assert the code, never the message. */
export type HarnessErrorCode =
  /** A system command (ip, nft, sysctl, …) exited non-zero. */
  | 'E2E_NETNS_COMMAND_FAILED'
  /** Something the harness waits for (a lease, a ready line, a verdict) did not come in time. */
  | 'E2E_NETNS_TIMEOUT'
  /** A long-running process exited before it was ready. */
  | 'E2E_NETNS_PROCESS_EXITED'
  /** The harness was asked for something it cannot build (too many clients, unknown bridge, …). */
  | 'E2E_NETNS_BAD_OPTION'
  /** br_netfilter was asked for but the module is not loaded on this kernel. */
  | 'E2E_NETNS_NO_BR_NETFILTER'
  /** A call after close(). */
  | 'E2E_NETNS_CLOSED'
  /** A helper script printed something that is not the JSON it promises. */
  | 'E2E_NETNS_BAD_OUTPUT';

export class HarnessError extends Error {
  constructor(
    readonly code: HarnessErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
    this.name = 'HarnessError';
  }
}
