/**
 * One run of a simulation: one fast-check property check (`fc.check`, `numRuns: 1`, seeded with
 * the run's seed) over one walk, shrunk by fast-check's shrinker when it fails.
 *
 * The walk's arbitrary generates `depth + 1` choice integers (the initial state's, then one per
 * step: full length, so that no run is wasted on a short walk; a walk ends early only at a
 * violation or a state with no enabled action) and shrinks as `fc.array(fc.nat(), { maxLength:
 * depth + 1 })` does: shorter lists and smaller choices, each still a valid walk
 * (checker/simulate-walk.ts). Generation ignores fast-check's bias, so the walk depends on the run
 * seed alone. The property is asynchronous and gives the event loop a turn about every 50 ms
 * (a signal handler may abort the run meanwhile); once `stop()` says so, every shrink attempt
 * passes, so the shrinker ends at once with the shortest walk it has.
 */
import fc from 'fast-check';
import type { Failure } from './claims.js';
import type { WalkCoverage, Walker, WalkOutcome } from './simulate-walk.js';

/** Milliseconds between two turns of the event loop. */
const SLICE_MS = 50;

/** Full-length walks, shrunk as a plain array of naturals is. */
class WalkArbitrary extends fc.Arbitrary<number[]> {
  private readonly shrinker: fc.Arbitrary<number[]>;

  constructor(private readonly length: number) {
    super();
    this.shrinker = fc.array(fc.nat(), { maxLength: length });
  }

  generate(mrng: fc.Random): fc.Value<number[]> {
    const out: number[] = [];
    for (let i = 0; i < this.length; i++) out.push(mrng.nextInt(0, 0x7fffffff));
    return new fc.Value(out, undefined);
  }

  canShrinkWithoutContext(value: unknown): value is number[] {
    return this.shrinker.canShrinkWithoutContext(value);
  }

  shrink(value: number[], context: unknown): fc.Stream<fc.Value<number[]>> {
    return this.shrinker.shrink(value, context);
  }
}

/** What one run gives. */
export interface RunOutcome {
  /** The generated walk, as it went (its steps are the run's steps). */
  readonly walk: WalkOutcome;
  /** When the generated walk failed and was shrunk: the shrunk walk and how shrinking went. */
  readonly shrunk?: {
    readonly outcome: WalkOutcome & { readonly failure: Failure };
    readonly shrinks: number;
    /** Walks the shrinker tried. */
    readonly tried: number;
    /** False when `stop()` cut shrinking short. */
    readonly complete: boolean;
  };
}

/**
 * Runs one seeded walk of `depth` steps at most, counting its coverage, and, if it fails and
 * `shrink` is true, shrinks it. A spec's exception (from the generated walk or a shrunk one) is
 * thrown as it is.
 */
export async function runWalk<S, A>(
  walker: Walker<S, A>,
  seed: number,
  depth: number,
  coverage: WalkCoverage,
  stop: () => boolean,
  shrink: boolean,
): Promise<RunOutcome> {
  const arbitrary = new WalkArbitrary(depth + 1);
  const [choices] = fc.sample(arbitrary, { seed: seed | 0, numRuns: 1 });
  const walk = walker.walk(choices, coverage);
  if (walk.failure === undefined || !shrink) return { walk };
  // The shrinker starts from the least choices that take the walk's path (the ones past the
  // violation were never used): small numbers, whose own shrinks are few.
  const used = walk.choices;
  let thrown: { readonly e: unknown } | undefined;
  let cut = false;
  let tried = 0;
  let lastTurn = performance.now();
  const property = fc.asyncProperty(arbitrary, async (c) => {
    if (thrown) return true;
    if (performance.now() - lastTurn >= SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      lastTurn = performance.now();
    }
    if (tried > 0 && stop()) {
      cut = true;
      return true;
    }
    tried++;
    try {
      return walker.walk(c).failure === undefined;
    } catch (e) {
      // Not a failure of the property: stop shrinking and throw it once fast-check returns.
      thrown = { e };
      return true;
    }
  });
  const details = await fc.check(property, { seed: seed | 0, numRuns: 1, examples: [[used]] });
  if (thrown) throw thrown.e;
  const best = details.counterexample?.[0];
  if (!details.failed || best === undefined)
    throw new Error('unreachable: fast-check did not fail on a walk that fails');
  const outcome = walker.walk(best);
  if (outcome.failure === undefined)
    throw new Error('unreachable: the shrunk walk fast-check reports does not fail when walked again');
  return {
    walk,
    shrunk: {
      outcome: { ...outcome, failure: outcome.failure },
      shrinks: details.numShrinks,
      tried,
      complete: !cut,
    },
  };
}
