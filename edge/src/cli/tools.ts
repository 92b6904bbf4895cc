import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import {
  BENCH_SIMULATORS,
  type BenchScenario,
  DECODERS,
  type DecodedLine,
  decoderFor,
  formatCaptureChunk,
  formatCaptureHeader,
  openSerialTransport,
  type ProtocolDecoder,
  type ProtocolName,
  parseCapture,
  parseHex,
  StreamDecoder,
  startBenchSimulator,
} from '@triporteur/firmware-bridge';
import type { Command } from 'commander';
import { EdgeError, EdgeErrorCode } from '../errors.js';

/** The technician's serial tools: capture raw bytes, decode them, replay a capture. */
export function addSerialTools(program: Command, out: NodeJS.WritableStream = process.stdout): void {
  const protocols = Object.keys(DECODERS).join('|');
  const emit = (lines: DecodedLine[]) => {
    for (const line of lines) out.write(`${JSON.stringify(line)}\n`);
  };

  program
    .command('decode')
    .description('decode raw serial bytes into one JSON object per line (messages and discarded bytes)')
    .requiredOption('-p, --protocol <name>', protocols)
    .option('--hex', 'the input is hex text, not raw bytes')
    .argument('[file]', 'input file; standard input when absent or "-"')
    .action(async (file: string | undefined, opts: { protocol: string; hex?: boolean }) => {
      const stream = new StreamDecoder(requireDecoder(opts.protocol));
      const fromStdin = file === undefined || file === '-';
      if (!fromStdin) {
        await access(file, constants.R_OK).catch((err: unknown) => {
          throw new EdgeError(EdgeErrorCode.TOOL_INPUT, `cannot read ${file}: ${(err as Error).message}`, {
            cause: err,
          });
        });
      }
      const input = fromStdin ? process.stdin : createReadStream(file);
      if (opts.hex) {
        // Hex text is parsed whole: a byte may be split across two reads.
        let text = '';
        for await (const chunk of input) text += chunk.toString();
        emit(stream.push(parseHexOrFail(text)));
      } else {
        for await (const chunk of input) emit(stream.push(new Uint8Array(chunk as Buffer)));
      }
      emit(stream.end());
    });

  program
    .command('capture')
    .description('record the raw bytes a serial port receives, with timestamps (never transmits)')
    .requiredOption('--port <path>', 'serial device, e.g. /dev/serial/by-id/…')
    .requiredOption('--baud <rate>', 'baud rate', (v) => Number.parseInt(v, 10))
    .requiredOption('-o, --out <file>', 'capture file to write')
    .option('-p, --protocol <name>', `protocol to note in the header (${protocols})`)
    .option('--seconds <n>', 'stop after this many seconds', (v) => Number.parseFloat(v))
    .action(async (opts: { port: string; baud: number; out: string; protocol?: string; seconds?: number }) => {
      if (opts.protocol !== undefined) requireDecoder(opts.protocol);
      const transport = await openSerialTransport({ path: opts.port, baudRate: opts.baud }).catch((err: unknown) => {
        throw new EdgeError(EdgeErrorCode.SERIAL_OPEN, `cannot open ${opts.port}: ${(err as Error).message}`, {
          cause: err,
        });
      });
      const file = createWriteStream(opts.out, { flags: 'wx' });
      const started = Date.now();
      file.write(
        formatCaptureHeader({
          port: opts.port,
          baudRate: opts.baud,
          ...(opts.protocol ? { protocol: opts.protocol as ProtocolName } : {}),
          startedAt: new Date(started).toISOString(),
        }),
      );
      let bytes = 0;
      transport.onData((chunk) => {
        bytes += chunk.length;
        file.write(formatCaptureChunk({ t: Date.now() - started, bytes: chunk }));
      });
      // Said once the port is open, so whoever drives the line knows nothing sent from now on is missed.
      process.stderr.write(`capturing ${opts.port} at ${opts.baud} baud to ${opts.out}\n`);
      await waitForStop(transport, opts.seconds);
      await transport.close();
      await new Promise<void>((resolve) => file.end(resolve));
      process.stderr.write(
        `captured ${bytes} bytes in ${((Date.now() - started) / 1000).toFixed(1)} s to ${opts.out}\n`,
      );
    });

  program
    .command('simulate')
    .description("play a device on a serial port (a technician's bench: test a Pi's cable and adapter)")
    .requiredOption('-p, --protocol <name>', Object.keys(BENCH_SIMULATORS).join('|'))
    .requiredOption('--port <path>', 'serial device the simulated device talks on')
    .option('--baud <rate>', "baud rate (default: the device's usual one)", (v) => Number.parseInt(v, 10))
    .option('--scenario <name>', 'ride|park|charge|fault|noisy (what the device supports)', 'ride')
    .option('--seconds <n>', 'stop after this many seconds', (v) => Number.parseFloat(v))
    .action(async (opts: { protocol: string; port: string; baud?: number; scenario: string; seconds?: number }) => {
      const entry = Object.hasOwn(BENCH_SIMULATORS, opts.protocol)
        ? BENCH_SIMULATORS[opts.protocol as ProtocolName]
        : undefined;
      // Check the request before touching the port: a typo should not depend on the cable.
      if (!entry?.scenarios.includes(opts.scenario as BenchScenario)) {
        const known = entry ? entry.scenarios.join(', ') : Object.keys(BENCH_SIMULATORS).join(', ');
        throw new EdgeError(
          EdgeErrorCode.TOOL_INPUT,
          `no ${opts.protocol} simulator with scenario "${opts.scenario}": use ${known}`,
        );
      }
      const baudRate = opts.baud ?? entry.baudRate;
      const transport = await openSerialTransport({ path: opts.port, baudRate }).catch((err: unknown) => {
        throw new EdgeError(EdgeErrorCode.SERIAL_OPEN, `cannot open ${opts.port}: ${(err as Error).message}`, {
          cause: err,
        });
      });
      let simulator: { stop(): void };
      try {
        simulator = startBenchSimulator(opts.protocol, transport, opts.scenario);
      } catch (err) {
        await transport.close();
        throw new EdgeError(EdgeErrorCode.TOOL_INPUT, (err as Error).message, { cause: err });
      }
      process.stderr.write(`simulating ${opts.protocol} (${opts.scenario}) on ${opts.port} at ${baudRate} baud\n`);
      await waitForStop(transport, opts.seconds);
      simulator.stop();
      await transport.close();
    });

  program
    .command('replay')
    .description('decode a capture file with the same decoders the drivers use')
    .argument('<file>', 'capture written by `capture`')
    .option('-p, --protocol <name>', 'override the protocol named in the capture header')
    .action(async (file: string, opts: { protocol?: string }) => {
      const text = await readFile(file, 'utf8').catch((err: unknown) => {
        throw new EdgeError(EdgeErrorCode.TOOL_INPUT, `cannot read ${file}: ${(err as Error).message}`, { cause: err });
      });
      const { header, chunks } = parseCapture(text);
      const name = opts.protocol ?? header.protocol;
      if (name === undefined) {
        throw new EdgeError(EdgeErrorCode.TOOL_INPUT, 'the capture names no protocol: pass --protocol');
      }
      const stream = new StreamDecoder(requireDecoder(name));
      for (const chunk of chunks) emit(stream.push(chunk.bytes, chunk.t));
      emit(stream.end());
    });
}

/** Runs until SIGINT/SIGTERM, the transport failing, or the optional duration. */
function waitForStop(transport: { onError(l: (err: Error) => void): () => void }, seconds?: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = seconds === undefined ? undefined : setTimeout(resolve, seconds * 1000);
    const stop = () => {
      if (timer) clearTimeout(timer);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    transport.onError(() => stop());
  });
}

function requireDecoder(name: string): ProtocolDecoder {
  const decoder = decoderFor(name);
  if (!decoder) {
    throw new EdgeError(
      EdgeErrorCode.TOOL_INPUT,
      `unknown protocol "${name}": use one of ${Object.keys(DECODERS).join(', ')}`,
    );
  }
  return decoder;
}

function parseHexOrFail(text: string): Uint8Array {
  try {
    return parseHex(text);
  } catch (err) {
    throw new EdgeError(EdgeErrorCode.TOOL_INPUT, (err as Error).message, { cause: err });
  }
}
