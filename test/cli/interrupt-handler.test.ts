/**
 * The signal handlers of cli/interrupt.ts, driven by a stand-in for `process` (sending real
 * signals twice in a row is not reliable: the kernel may merge two pending ones). The first signal
 * aborts with its name as the reason and says so on stderr; a second exits at once, 128 + its
 * number; dispose() removes the handlers.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onInterrupt, type SignalHost } from '../../cli/interrupt.js';

function host() {
  const events = new EventEmitter();
  const exits: number[] = [];
  let stderr = '';
  const h: SignalHost = {
    on: (e, l) => events.on(e, l),
    off: (e, l) => events.off(e, l),
    exit: (code) => {
      exits.push(code);
    },
    stderr: {
      write: (t: string) => {
        stderr += t;
      },
    },
  };
  return { h, events, exits, stderr: () => stderr };
}

describe('onInterrupt', () => {
  it('the first SIGINT aborts with reason SIGINT; a second exits 130', () => {
    const t = host();
    const i = onInterrupt(t.h);
    expect(i.signal.aborted).toBe(false);
    t.events.emit('SIGINT', 'SIGINT');
    expect(i.signal.aborted).toBe(true);
    expect(i.signal.reason).toBe('SIGINT');
    expect(t.stderr()).toBe(
      'memcg-check: SIGINT: stopping the run; the partial result follows (SIGINT again quits at once)\n',
    );
    expect(t.exits).toEqual([]);
    t.events.emit('SIGINT', 'SIGINT');
    expect(t.exits).toEqual([130]);
    i.dispose();
  });

  it('SIGTERM the same way; a second one exits 143', () => {
    const t = host();
    const i = onInterrupt(t.h);
    t.events.emit('SIGTERM', 'SIGTERM');
    expect(i.signal.reason).toBe('SIGTERM');
    t.events.emit('SIGTERM', 'SIGTERM');
    expect(t.exits).toEqual([143]);
    i.dispose();
  });

  it('dispose() removes both handlers', () => {
    const t = host();
    const i = onInterrupt(t.h);
    expect(t.events.listenerCount('SIGINT')).toBe(1);
    expect(t.events.listenerCount('SIGTERM')).toBe(1);
    i.dispose();
    expect(t.events.listenerCount('SIGINT')).toBe(0);
    expect(t.events.listenerCount('SIGTERM')).toBe(0);
  });
});
