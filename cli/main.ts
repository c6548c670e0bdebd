#!/usr/bin/env node
/** memcg-check: the command line. Each subcommand returns its exit code; usage errors exit 2. */
import { CheckerError } from '../checker/index.js';
import { checkCommand } from './check.js';
import { equivalenceCommand } from './equivalence.js';
import { gateCommand } from './gate.js';
import { listCommand } from './list.js';
import { livenessCommand } from './liveness.js';
import { mergeCommand } from './merge.js';
import { replayCommand } from './replay.js';
import { simulateCommand } from './simulate.js';
import { summaryCommand } from './summary.js';
import { EXIT, HELP, UsageError } from './usage.js';
import { version } from './version.js';

const COMMANDS: Record<string, (argv: string[]) => number | Promise<number>> = {
  check: checkCommand,
  equivalence: equivalenceCommand,
  gate: gateCommand,
  list: listCommand,
  liveness: livenessCommand,
  merge: mergeCommand,
  replay: replayCommand,
  simulate: simulateCommand,
  summary: summaryCommand,
  help: () => {
    process.stdout.write(`${HELP}\n`);
    return 0;
  },
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined) {
    process.stderr.write(`memcg-check: give a command\n\n${HELP}\n`);
    return EXIT.usage;
  }
  if (cmd === '--help' || cmd === '-h') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (cmd === '--version' || cmd === '-V') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const run = COMMANDS[cmd];
  if (!run)
    throw new UsageError(`unknown command "${cmd}"; commands are: ${Object.keys(COMMANDS).join(', ')}`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  return run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`memcg-check: ${e.message}\n`);
      process.exitCode = EXIT.usage;
    } else if (e instanceof CheckerError) {
      process.stderr.write(`memcg-check: model or checker error: ${e.message}\n`);
      process.exitCode = EXIT.usage;
    } else {
      process.stderr.write(`memcg-check: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 70;
    }
  },
);
