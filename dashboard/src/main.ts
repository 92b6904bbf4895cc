#!/usr/bin/env node
import { once } from 'node:events';
import { runCli } from './cli.js';

const stopRequested = () =>
  Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]).then(() => {
    // A second signal while we shut down means "now".
    const force = () => process.exit(130);
    process.once('SIGINT', force);
    process.once('SIGTERM', force);
  });

process.exitCode = await runCli(process.argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  stopRequested,
});
