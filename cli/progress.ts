/** Progress on stderr for runs over ~2 s: a live line on a TTY, a plain line every 10 s otherwise. */
import type { Progress } from '../checker/index.js';

export function progressReporter(quiet: boolean): { onProgress?: (p: Progress) => void; done(): void } {
  if (quiet) return { done() {} };
  const tty = process.stderr.isTTY === true;
  let shown = false;
  let lastPlain = 0;
  const line = (p: Progress) =>
    `  ${p.distinct.toLocaleString('en-US')} states, ${p.transitions.toLocaleString('en-US')} transitions, queue ${p.queue.toLocaleString('en-US')}, depth ${p.depth}, ${p.statesPerSecond.toLocaleString('en-US')} states/s, ${(p.ms / 1000).toFixed(0)} s`;
  return {
    onProgress(p) {
      if (p.ms < 2000) return;
      if (tty) {
        process.stderr.write(`\r${line(p)}\u001b[K`);
        shown = true;
      } else if (p.ms - lastPlain >= 10_000) {
        lastPlain = p.ms;
        process.stderr.write(`${line(p)}\n`);
      }
    },
    done() {
      if (shown) process.stderr.write('\r\u001b[K');
    },
  };
}
