/**
 * Ctrl-C (SIGINT) and SIGTERM during a long run. The first one aborts the run's AbortSignal: the
 * explorer stops at its next check, and the command prints the partial result (verdict
 * `incomplete`, limit `interrupted`), writes its outputs and the checkpoint of the last completed
 * level boundary, and exits 3. A second one exits at once, with 128 + the signal's number (130 for
 * SIGINT, 143 for SIGTERM), as if no handler had been installed.
 */
import { constants } from 'node:os';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface Interrupt {
  /** Aborted, with the signal's name as its reason, by the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** Removes the handlers (the default behaviour again). */
  dispose(): void;
}

/** What the handlers use of `process` (a stand-in in tests). */
export interface SignalHost {
  on(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
}

/** Installs the handlers until `dispose()`: call it once the command's outputs are written. */
export function onInterrupt(host: SignalHost = process): Interrupt {
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      host.exit(128 + (constants.signals[name] ?? 0));
      return;
    }
    host.stderr.write(
      `${host.stderr.isTTY ? '\r\u001b[K' : ''}memcg-check: ${name}: stopping the run; the partial result follows (${name} again quits at once)\n`,
    );
    controller.abort(name);
  };
  for (const s of SIGNALS) host.on(s, handler);
  return {
    signal: controller.signal,
    dispose() {
      for (const s of SIGNALS) host.off(s, handler);
    },
  };
}
