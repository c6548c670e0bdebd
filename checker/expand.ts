/**
 * Expanding one state: the successor function both explorers share (checker/bfs.ts at one worker,
 * checker/parallel-expand.ts in each worker), so that they differ only in who stores which state.
 *
 * `beginRow` (a stored row) or `beginState` (an object, for the JSON store) decodes the state and
 * lists its enabled actions; `successor(i)` computes the successor under the i-th one (`apply` on
 * a reusable copy, the fast path, or `next`), takes its canonical form and, with a codec, writes
 * its encoding into the buffer the explorer gave (its store's probe buffer, or a worker's), and
 * counts the transition and its kind. The explorer then looks the encoding up and stores it or
 * not; on a new state it checks the claims (checker/claims.ts).
 *
 * Everything the spec's code throws here (initial, actions, next/apply, canonical, the codec)
 * becomes one error (`specThrew`): a CheckerError keeps its code, anything else is E_SPEC_THROWS,
 * with the state's id and the function that threw, so it is the same error at any worker count.
 *
 * The per-transition path allocates nothing: the scratch states are reused, the encoding goes
 * into a caller's buffer, and the fire counter is looked up only when the kind changes.
 */
import { CheckerError, specThrew, specThrewAt, type ThrowSite } from './errors.js';
import { actionKindFn, FireCounts } from './kind.js';
import { type Links, pathTo } from './links.js';
import { locateThrow } from './rebuild.js';
import type { Codec, Spec } from './types.js';

/** Enabled actions per state at most: an action index is stored in 16 bits. */
const MAX_ACTIONS = 0x10000;

export class Expander<S, A> {
  /** Transitions fired since the start or the last `takeCounts` (successors computed, known or new). */
  transitions = 0;
  /** Fire counts per action kind, over the same transitions. */
  readonly fired = new FireCounts();
  /** The symmetry reduction in force: `spec.canonical`, unless `noSymmetry`. */
  readonly canonical: ((s: S) => S) | undefined;
  private readonly canonicalBytes: ((s: S, out: Uint8Array) => void) | undefined;
  private readonly codec: Codec<S> | undefined;
  private readonly decodeInto: ((src: Uint8Array, at: number, into: S) => void) | undefined;
  private readonly apply: ((scratch: S, a: A) => void) | undefined;
  private readonly kindOf: (a: A) => string;
  /** The fast path: decode into a reusable copy and `apply` in place. */
  private readonly fast: boolean;
  // The state being expanded: its id, its row, the state as guards read it, its enabled actions.
  private id = -1;
  private src: Uint8Array = new Uint8Array(0);
  private at = 0;
  private state: S | undefined;
  private enabled: A[] = [];
  // Reusable states (fast path), made from the first row decoded.
  private parent: S | undefined;
  private scratch: S | undefined;
  private fresh: S | undefined;

  /**
   * `out`: where successors' encodings go (`codec.bytes` bytes at offset 0, padding untouched);
   * undefined when states are kept as objects (a spec without a codec, or the JSON store).
   */
  constructor(
    private readonly spec: Spec<S, A>,
    noSymmetry: boolean,
    private readonly out: Uint8Array | undefined,
  ) {
    this.canonical = !noSymmetry && spec.canonical ? spec.canonical.bind(spec) : undefined;
    const codec = out ? spec.codec : undefined;
    if (out && !codec) throw new Error('Expander: an output buffer needs a spec with a codec');
    this.codec = codec;
    this.canonicalBytes =
      codec && this.canonical && spec.canonicalBytes ? spec.canonicalBytes.bind(spec) : undefined;
    this.decodeInto = codec?.decodeInto?.bind(codec);
    this.apply = spec.apply?.bind(spec);
    this.fast = this.decodeInto !== undefined && this.apply !== undefined;
    this.kindOf = actionKindFn(spec);
  }

  /**
   * The initial states in order, canonical (with symmetry), and with a codec their encodings, one
   * row of `rowBytes` bytes each (zero padding). E_SPEC_NO_INITIAL if there is none.
   */
  initials(rowBytes = 0): { readonly states: readonly S[]; readonly rows: Uint8Array } {
    const spec = this.spec;
    let inits: readonly S[];
    try {
      inits = spec.initial();
    } catch (e) {
      throw specThrewAt(spec, 'initial', '()', e);
    }
    if (inits.length === 0)
      throw new CheckerError('E_SPEC_NO_INITIAL', `spec "${spec.name}" has no initial state`);
    const rows = new Uint8Array(this.codec ? inits.length * rowBytes : 0);
    const states = inits.map((s, i) => {
      let site: ThrowSite = 'canonical';
      try {
        const c = this.canonical ? this.canonical(s) : s;
        site = 'encode';
        this.codec?.encode(c, rows, i * rowBytes);
        return c;
      } catch (e) {
        throw specThrewAt(spec, site, `on initial state ${i}`, e);
      }
    });
    return { states, rows };
  }

  /** Starts expanding stored state `id`, whose encoding is at `src[at]`; returns its number of enabled actions. */
  beginRow(id: number, src: Uint8Array, at: number): number {
    this.id = id;
    this.src = src;
    this.at = at;
    let s: S;
    try {
      if (this.fast) {
        if (this.parent === undefined) this.makeScratch(src, at);
        this.decodeInto!(src, at, this.parent!);
        s = this.parent!;
      } else s = this.codec!.decode(src, at);
    } catch (e) {
      throw specThrew(this.spec, 'decode', id, undefined, e);
    }
    return this.list(s);
  }

  /** The i-th enabled action of the state begun (the liveness graph classifies it: checker/liveness-graph.ts). */
  action(i: number): A {
    return this.enabled[i];
  }

  /** The state begun, as guards read it (a reused object on the fast path: valid until the next `begin`). */
  current(): S {
    return this.state!;
  }

  /** Starts expanding state `id`, kept as the object `s` (no codec); returns its number of enabled actions. */
  beginState(id: number, s: S): number {
    this.id = id;
    return this.list(s);
  }

  private list(s: S): number {
    this.state = s;
    let enabled: A[];
    try {
      // Materialised here: a generator's guards run while it is iterated, and must be caught too.
      enabled = [...this.spec.actions(s)];
    } catch (e) {
      throw specThrew(this.spec, 'actions', this.id, undefined, e);
    }
    if (enabled.length > MAX_ACTIONS) {
      const err = new CheckerError(
        'E_TOO_MANY_ACTIONS',
        `state ${this.id} has more than 65536 enabled actions`,
      );
      err.stateId = this.id;
      throw err;
    }
    this.enabled = enabled;
    return enabled.length;
  }

  /**
   * The successor under enabled action `i` of the state begun, counted. With a codec its canonical
   * encoding is in `out`; returns the successor as an object when there is one (no codec, or no
   * `canonicalBytes`: valid until the next call), else null.
   */
  successor(i: number): S | null {
    const a = this.enabled[i];
    let site: ThrowSite = 'decode';
    let t: S | null;
    try {
      if (this.fast) {
        this.decodeInto!(this.src, this.at, this.scratch!);
        site = 'next';
        this.apply!(this.scratch!, a);
        t = this.scratch!;
      } else {
        site = 'next';
        t = this.spec.next(this.state!, a);
      }
      site = 'canonical';
      const out = this.out;
      if (out === undefined) {
        if (this.canonical) t = this.canonical(t);
      } else if (this.canonicalBytes) {
        this.canonicalBytes(t, out);
        t = null;
      } else {
        if (this.canonical) t = this.canonical(t);
        site = 'encode';
        this.codec!.encode(t, out, 0);
      }
    } catch (e) {
      throw specThrew(this.spec, site, this.id, a, e);
    }
    this.transitions++;
    this.fired.count(this.kindOf(a));
    return t;
  }

  /** Counts the first `n` enabled actions of the state begun as fired, without their successors (a recount). */
  countOnly(n: number): void {
    for (let i = 0; i < n; i++) {
      this.transitions++;
      this.fired.count(this.kindOf(this.enabled[i]));
    }
  }

  /** The transitions and fire counts since the last call (or the start), and zero from now on. */
  takeCounts(): { transitions: number; fired: Record<string, number> } {
    const transitions = this.transitions;
    this.transitions = 0;
    return { transitions, fired: this.fired.take() };
  }

  /** The state encoded at `src[at]`, decoded for the claims (a reused object on the fast path: valid until the next call). */
  stored(src: Uint8Array, at: number): S {
    try {
      if (!this.fast) return this.codec!.decode(src, at);
      if (this.fresh === undefined) this.fresh = this.codec!.decode(src, at);
      else this.decodeInto!(src, at, this.fresh);
      return this.fresh;
    } catch (e) {
      throw specThrewAt(this.spec, 'decode', 'on a new state', e);
    }
  }

  private makeScratch(src: Uint8Array, at: number): void {
    this.parent = this.codec!.decode(src, at);
    this.scratch = this.codec!.decode(src, at);
  }
}

/**
 * An error thrown while exploring, located: a spec's exception from a stored state gets a path to
 * that state that replays without symmetry, and names the concrete action (checker/rebuild.ts
 * `locateThrow`). Anything else is returned as it is.
 */
export function located<S, A>(
  spec: Spec<S, A>,
  e: unknown,
  links: Links,
  canonical: ((s: S) => S) | undefined,
): unknown {
  if (!(e instanceof CheckerError) || e.stateId === undefined || e.path !== undefined) return e;
  return locateThrow(spec, e, pathTo(links, e.stateId), canonical);
}
