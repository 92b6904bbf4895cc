import type { CommandResult } from '../../src/hotspot/system/command.js';
import { type RecordedCommand, RecordingRunner } from '../../src/hotspot/system/recording-runner.js';
import * as nm from '../fixtures/nmcli-outputs.js';
import * as sys from '../fixtures/radio-handover-outputs.js';

type Answer = CommandResult | Error | (() => CommandResult);

/**
 * A recording runner answering what the depot link runs, in the tools' own formats: systemctl, the
 * radio handover's `nmcli device set/show`, and the depot profile's nmcli calls, all successful. An
 * entry of `answers`, keyed by the whole command line, replaces one answer: a result, an Error to throw,
 * or a function giving each call's result in turn.
 */
export function depotRunner(answers: Partial<Record<string, Answer>> = {}): RecordingRunner {
  return new RecordingRunner((command: RecordedCommand) => {
    const given = answers[[command.file, ...command.args].join(' ')];
    const answer = typeof given === 'function' ? given() : given;
    if (answer instanceof Error) throw answer;
    if (answer) return answer;
    const a = command.args;
    if (command.file === 'systemctl') return sys.SYSTEMCTL_OK;
    if (a.includes('managed')) return sys.DEVICE_SET_OK;
    if (a.includes('GENERAL.STATE')) return sys.DEVICE_STATE_DISCONNECTED;
    if (a.includes('delete')) return nm.CONNECTION_UNKNOWN;
    if (a.includes('add')) return nm.CONNECTION_ADDED;
    if (a.includes('up')) return nm.CONNECTION_UP;
    if (a.includes('down')) return nm.CONNECTION_DOWN;
    return nm.DEVICE_SHOW_DEPOT;
  });
}
