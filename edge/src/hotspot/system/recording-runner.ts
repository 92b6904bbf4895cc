import type { CommandOptions, CommandResult, CommandRunner } from './command.js';

export interface RecordedCommand {
  file: string;
  args: string[];
  input?: string;
}

/** Decides what a recorded command "prints"; the default says success with no output. */
export type CommandResponder = (command: RecordedCommand) => CommandResult | Promise<CommandResult>;

export const OK: CommandResult = Object.freeze({ stdout: '', stderr: '', code: 0 });

/**
 * A CommandRunner for unit tests: it records every argv and answers from a responder, so a test can
 * assert exactly what would have run (and feed back recorded nft output) without touching the system.
 */
export class RecordingRunner implements CommandRunner {
  readonly calls: RecordedCommand[] = [];

  constructor(private readonly responder: CommandResponder = () => OK) {}

  async run(file: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    const command: RecordedCommand =
      options.input === undefined ? { file, args: [...args] } : { file, args: [...args], input: options.input };
    this.calls.push(command);
    return this.responder(command);
  }

  /** Each call as one line "file arg arg…", which reads well in an expectation. */
  lines(): string[] {
    return this.calls.map((call) => [call.file, ...call.args].join(' '));
  }
}
