/**
 * Fair cycles in a liveness graph (checker/liveness-graph.ts): the strongly connected sets of
 * states, inside a set the caller gives (the states where a subject is stuck), that some fair
 * run can stay in forever. The algorithm is Emerson and Lei's (1987) for weak and strong
 * fairness and justice, as TLC and SPIN's fairness checks use it:
 *
 * - Every state has an implicit stuttering step (TLA+: a spec allows stuttering), which takes no
 *   class; so a single state is a cycle, fair iff no fair class is enabled in it.
 * - A strongly connected component C (Tarjan, iterative) is fair iff: every weak class enabled in
 *   all of C is taken by an edge inside C; every strong class enabled somewhere in C is taken
 *   inside C; every justice condition holds in some state of C. A tour of C through every state
 *   and edge is then a fair cycle, and no part of C is fairer than C as to weak fairness and
 *   justice (a subset keeps a class enabled everywhere and never taken, and has fewer states).
 * - A strong class enabled in C and never taken inside it may still be avoided by a part of C that
 *   never enables it: remove the states that enable such a class and search the rest again.
 */
import type { LivenessGraph } from './liveness-graph.js';

/** Scratch arrays over the graph's states, allocated once per search. */
class Scratch {
  readonly index: Int32Array;
  readonly low: Int32Array;
  readonly onStack: Uint8Array;
  /** The set being searched: member[v] === tag. */
  readonly member: Int32Array;
  /** The component of v in the last Tarjan run that saw it (numbers never repeat). */
  readonly comp: Int32Array;
  tag = 0;
  compCount = 0;
  constructor(n: number) {
    this.index = new Int32Array(n);
    this.low = new Int32Array(n);
    this.onStack = new Uint8Array(n);
    this.member = new Int32Array(n);
    this.comp = new Int32Array(n).fill(-1);
  }
}

/** The strongly connected components of the subgraph on `nodes` (edges inside it only). */
function tarjan(g: LivenessGraph<unknown>, nodes: Int32Array, w: Scratch): Int32Array[] {
  const tag = ++w.tag;
  for (const v of nodes) {
    w.member[v] = tag;
    w.index[v] = -1;
    w.onStack[v] = 0;
  }
  const { edgeStart, edgeTo } = g;
  const out: Int32Array[] = [];
  const stack: number[] = [];
  const callNode: number[] = [];
  const callEdge: number[] = [];
  let counter = 0;
  for (const root of nodes) {
    if (w.index[root] !== -1) continue;
    callNode.push(root);
    callEdge.push(edgeStart[root]);
    w.index[root] = w.low[root] = counter++;
    stack.push(root);
    w.onStack[root] = 1;
    while (callNode.length > 0) {
      const top = callNode.length - 1;
      const u = callNode[top];
      const k = callEdge[top];
      if (k < edgeStart[u + 1]) {
        callEdge[top] = k + 1;
        const v = edgeTo[k];
        if (v < 0 || w.member[v] !== tag) continue;
        if (w.index[v] === -1) {
          w.index[v] = w.low[v] = counter++;
          stack.push(v);
          w.onStack[v] = 1;
          callNode.push(v);
          callEdge.push(edgeStart[v]);
        } else if (w.onStack[v] && w.index[v] < w.low[u]) w.low[u] = w.index[v];
        continue;
      }
      callNode.pop();
      callEdge.pop();
      if (callNode.length > 0) {
        const parent = callNode[callNode.length - 1];
        if (w.low[u] < w.low[parent]) w.low[parent] = w.low[u];
      }
      if (w.low[u] === w.index[u]) {
        const c = w.compCount++;
        const members: number[] = [];
        for (;;) {
          const v = stack.pop()!;
          w.onStack[v] = 0;
          w.comp[v] = c;
          members.push(v);
          if (v === u) break;
        }
        out.push(Int32Array.from(members).sort());
      }
    }
  }
  return out;
}

/** What a fair set needs of the caller: per justice condition, whether it holds in state v. */
export type Justice = readonly ((v: number) => boolean)[];

/**
 * The fair sets inside `nodes`: strongly connected (with stuttering), fair as the file comment
 * says, each sorted by id. Found in a fixed order (components by Tarjan's order from the smallest
 * id, then their fair parts), so the result is deterministic.
 */
export function fairSets(g: LivenessGraph<unknown>, nodes: Int32Array, justice: Justice): Int32Array[] {
  const w = new Scratch(g.count);
  const out: Int32Array[] = [];
  const nc = g.classes.length;
  const enabledCount = new Int32Array(nc);
  const taken = new Uint8Array(nc);
  const strongBad = new Uint8Array(nc);
  const work: Int32Array[] = [nodes];
  while (work.length > 0) {
    const set = work.pop()!;
    const comps = tarjan(g, set, w);
    // Pushed in reverse so that the components are taken in Tarjan's order.
    const later: Int32Array[] = [];
    for (const comp of comps) {
      enabledCount.fill(0);
      taken.fill(0);
      for (const u of comp) {
        for (let k = g.enabledStart[u]; k < g.enabledStart[u + 1]; k++) enabledCount[g.enabledClass[k]]++;
        for (let k = g.edgeStart[u]; k < g.edgeStart[u + 1]; k++) {
          const v = g.edgeTo[k];
          const c = g.edgeClass[k];
          if (c >= 0 && v >= 0 && w.comp[v] === w.comp[u] && w.member[v] === w.member[u]) taken[c] = 1;
        }
      }
      let unfair = false;
      let anyBad = false;
      for (let c = 0; c < nc; c++) {
        strongBad[c] = 0;
        if (taken[c] || enabledCount[c] === 0) continue;
        if (!g.classes[c].strong) {
          if (enabledCount[c] === comp.length) unfair = true;
        } else {
          strongBad[c] = 1;
          anyBad = true;
        }
      }
      if (unfair) continue;
      if (!justice.every((holds) => comp.some((v) => holds(v)))) continue;
      if (!anyBad) {
        out.push(comp);
        continue;
      }
      const rest = comp.filter((u) => {
        for (let k = g.enabledStart[u]; k < g.enabledStart[u + 1]; k++)
          if (strongBad[g.enabledClass[k]]) return false;
        return true;
      });
      if (rest.length > 0) later.push(rest);
    }
    for (let i = later.length - 1; i >= 0; i--) work.push(later[i]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}
