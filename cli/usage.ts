/** Usage errors: a message saying what is wrong and what to do, and exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT = { verified: 0, violated: 1, usage: 2, incomplete: 3 } as const;

export const HELP = `memcg-check: an explicit-state model checker for Linux memcg css reference counting,
before (v5.8, design "old") and after (v5.9, design "new") "mm: memcontrol: decouple reference
counting from page accounting".

Usage:
  memcg-check check  [--design old|new] [--variant NAME|FILE] [--scope NAME | bounds] [options]
  memcg-check equivalence [--left old] [--right new | --variant NAME|FILE] [--scope NAME | bounds]
                     (same accounting after every common kernel event; default scope tiny)
  memcg-check liveness [--design old|new] [--variant NAME|FILE] [--scope NAME | bounds] [--fair stock]
                     (every dying memcg eventually freed on every fair run, lassos; default scope tiny)
  memcg-check list   [designs|variants|scopes|claims|witnesses|ops] [--format text|json]
  memcg-check replay --path 0/3/1 [--design ...] [--variant ...] [--scope ... | bounds]
  memcg-check replay FILE    (a saved --format json result or --itf trace)
  memcg-check simulate [--design ...|--variant ...] [--scope NAME | bounds] [--runs N] [--depth D]
                     [--seed X] [--shard I/N] [--no-swarm] [--shortest-states N] [--timeout S]
                     (seeded random walks, any bounds; finds bugs, proves nothing: docs/simulate.md)
  memcg-check merge A.json B.json ...   (the shards' --format json results of one simulation)
  memcg-check summary [--scope NAME]   (what "npm start" runs: both designs, one table)
  memcg-check gate [MANIFEST] [--only NAME,...] [--claims A,B | --skip-claims C,D] [--update] [--junit FILE] [--markdown FILE]
  memcg-check help
  memcg-check --version      (also -V)

Bounds (override the scope's):
  --cpus N               CPUs (1-4)
  --memcgs SPEC          e.g. root/A,root/B,A/A1 (root is implicit)
  --pages SPEC           e.g. 2,thp:2 (2 small pages and one THP of 2 subpages); kmem:K a kernel
                         page of K = 2^order page structs (kmem:1, kmem:2), e.g. 1,kmem:1,kmem:2
  --batch N              MEMCG_CHARGE_BATCH, scaled down
  --drain-all on|off     the standalone drain_all_stock path (memory.max and memory.high writes)
  --reclaim on|off       try_charge's reclaim: drain_all_stock(mem_over_limit) when every charge fails
  --split-page on|off    split_page of a high-order kernel page (needs kmem:2 in --pages; off unless on)
  --objects N            N slab object slots: v5.9 obj_cgroup, or v5.8 per-memcg kmem_cache, slab accounting (0 = off)
  --swap v1|v2|off       swap records and memcg ids: v1 memsw and mem_cgroup_swapout, v2 the swap
                         counter and mem_cgroup_try_charge_swap; both the slot free and the swap-in
  --swap-slots N         swap slots (1-3, default 2; a THP of k subpages takes k)
  --migrate on|off       page migration: mem_cgroup_migrate of a charged page to a free one (off unless on)
  --move on|off          cgroup v1 charge moving of a task's pages and swap entries (off unless on;
                         not with --swap v2)

Options:
  --max-states N  --max-depth N  --timeout SECONDS (at least 1; none if left out)  --max-memory MB
  --claims A,B           check only these claims (list claims); --skip-claims C,D: all but these
  --no-symmetry          explore without symmetry reduction
  --workers N            explore with N worker threads (default 1); same result at any N
  --checkpoint FILE      check: save progress to FILE at level boundaries and when a limit stops the run
  --checkpoint-every S   at most one checkpoint every S seconds (default 60; 0: at every level)
  --resume FILE          check: go on from a checkpoint (give the same model flags; limits may change)
  --format text|json     report format on stdout (json: exactly one JSON object)
  --out FILE             also write the report to FILE (written whole, or not at all)
  --quiet                no progress lines on stderr
  --fair stock           liveness: also assume every CPU's stock is eventually drained or switched
  --view steps|timeline  the counterexample as numbered steps (default) or a column per CPU
  --itf FILE             write the counterexample in the Informal Trace Format (Quint, Apalache)
  --html FILE            write a self-contained HTML report (step slider, swim lanes, ledger, plot)
  --junit FILE           write a JUnit XML report (check: a test case per claim and per witness)
  --markdown FILE        write a Markdown summary (a table, and a Mermaid diagram of a counterexample)

Simulation (simulate):
  --runs N               random walks (default 1000), all walked, also after a violation
  --depth D              steps per walk at most (default 60)
  --seed X               0 to 4294967295; run r's seed derives from (X, r) alone (default: a random
                         seed, printed; required with --shard)
  --shard I/N            walk only the runs r with r mod N = I - 1 (I from 1 to N); merge the N results
  --no-swarm             uniform choices (default: per run, random weights per action kind, some off)
  --shortest-states N    states the breadth-first search for a shortest counterexample may store
                         (default 500000; 0: keep the shrunk walk)

Exit codes: 0 verified, 1 violated (or a witness never reached), 2 bad input or usage,
3 incomplete (a limit, or Ctrl-C / SIGTERM, stopped the run; a second Ctrl-C exits 130 at once);
simulate and merge: 0 no violation in the runs (not a proof), 1, 2 and 3 as above.`;
