import { StreamDecoder } from '@triporteur/firmware-bridge';
import type { Message, ProbeProfile } from './profiles.js';

/** What one listening window at one speed amounts to. */
export type Verdict =
  | { kind: 'answered'; detail: string; messages: Message[] }
  /** Only our own request came back, byte for byte. */
  | { kind: 'echo'; bytes: number }
  /** Bytes, but no answer from the device in them. */
  | { kind: 'garbage'; bytes: number }
  | { kind: 'silent' };

/**
 * Our own requests are taken out first: a half-duplex RS485 adapter echoes them and the device still
 * answers, which is a pass; our request alone coming back is a loop, not a device.
 */
export function classify(profile: ProbeProfile, received: Uint8Array, sent: readonly Uint8Array[]): Verdict {
  const { rest, echoes } = withoutEchoes(received, sent);
  const { messages, discardedBytes } = decodeAll(profile, rest);
  const detail = profile.answer(messages, discardedBytes);
  if (detail !== undefined) return { kind: 'answered', detail, messages };
  if (echoes > 0 && rest.length === 0) return { kind: 'echo', bytes: received.length };
  if (received.length > 0) return { kind: 'garbage', bytes: received.length };
  return { kind: 'silent' };
}

export function decodeAll(profile: ProbeProfile, bytes: Uint8Array): { messages: Message[]; discardedBytes: number } {
  const stream = new StreamDecoder(profile.decoder);
  const messages: Message[] = [];
  let discardedBytes = 0;
  for (const line of [...stream.push(bytes), ...stream.end()]) {
    if (line.type === 'message') messages.push(line.message);
    else if (line.type === 'discarded') discardedBytes += line.length;
    else if (line.type === 'invalid') discardedBytes += line.hex.length / 2;
  }
  return { messages, discardedBytes };
}

/** Removes every whole copy of a request we sent from what came back, and counts them. */
export function withoutEchoes(received: Uint8Array, sent: readonly Uint8Array[]): { rest: Uint8Array; echoes: number } {
  const requests = sent.filter((request, i) => request.length > 0 && sent.findIndex((r) => same(r, request)) === i);
  if (requests.length === 0) return { rest: received, echoes: 0 };
  const rest: number[] = [];
  let echoes = 0;
  let i = 0;
  while (i < received.length) {
    const match = requests.find((request) => startsWith(received, i, request));
    if (match !== undefined) {
      echoes++;
      i += match.length;
    } else {
      rest.push(received[i] ?? 0);
      i++;
    }
  }
  return { rest: Uint8Array.from(rest), echoes };
}

function startsWith(bytes: Uint8Array, offset: number, prefix: Uint8Array): boolean {
  if (offset + prefix.length > bytes.length) return false;
  for (let k = 0; k < prefix.length; k++) if (bytes[offset + k] !== prefix[k]) return false;
  return true;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && startsWith(a, 0, b);
}
