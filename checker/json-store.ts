/**
 * The JSON store: the fallback store of visited states for specs without a codec. States are keyed
 * by their canonical JSON (`canonicalJson`: object keys sorted), so a hit is exact.
 */

import { getHeapStatistics } from 'node:v8';
import type { StateStore } from './store.js';

/**
 * Fallback for specs without a codec: states keyed by a canonical JSON serialisation (object keys
 * sorted). Exact for states that are JSON values; slower and larger than the packed store.
 */
export class JsonStore<S> implements StateStore<S> {
  readonly kind = 'json' as const;
  private readonly ids = new Map<string, number>();
  private readonly states: S[] = [];
  private keyBytes = 0;
  private lastKey = '';

  get count(): number {
    return this.states.length;
  }

  find(s: S): number {
    const key = canonicalJson(s);
    this.lastKey = key;
    return this.ids.get(key) ?? -1;
  }

  insert(s: S): number {
    const id = this.states.length;
    this.ids.set(this.lastKey, id);
    this.states.push(s);
    this.keyBytes += this.lastKey.length * 2;
    return id;
  }

  load(id: number): S {
    return this.states[id];
  }

  equals(id: number, s: S): boolean {
    return canonicalJson(this.states[id]) === canonicalJson(s);
  }

  /** A rough figure: key text plus about 100 bytes of map and array overhead per entry. */
  bytes(): number {
    return this.keyBytes + this.states.length * 100;
  }

  /** The entry the next insert adds: the key just looked up, and the per-entry overhead. */
  growthBytes(): number {
    return this.lastKey.length * 2 + 100;
  }
}

/** JSON with object keys sorted at every level, so equal values serialise equally. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, value) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(value).sort()) out[k] = (value as Record<string, unknown>)[k];
      return out;
    }
    return value;
  });
}

let heapCheckCounter = 0;
/** The JSON store lives in the JS heap: true when the heap is nearly full (looked at every 4096 calls). */
export function heapNearlyFull(): boolean {
  if ((++heapCheckCounter & 4095) !== 0) return false;
  const h = getHeapStatistics();
  return h.used_heap_size > h.heap_size_limit * 0.8;
}
