/**
 * A patch that changes accounting, not references: refill_stock adds one page fewer to the stock
 * than try_charge charged for it (`stock->nr_pages += nr_pages - 1`). No css reference moves, so
 * every refcount claim may still hold; the page counter is left with a page nobody holds.
 *
 * Check that it changes accounting (the equivalence of issue #16):
 *
 *     memcg-check equivalence --left new --variant docs/examples/refill-one-fewer.ts --scope tiny
 *
 * It gives: NOT EQUIVALENT, same_projection, with the shortest sequence of kernel events after
 * which the two designs' stock->nr_pages differ, printed as two timelines side by side.
 *
 * The file imports nothing from memcg-check: its default export is a function that receives the
 * variant API and returns the variant.
 */
export default ({ defineVariant, op }) =>
  defineVariant({
    name: 'refill-one-fewer',
    base: 'new',
    description: 'refill_stock: stock->nr_pages += nr_pages - 1 (one page of the batch lost)',
    edit: (d) =>
      d.replace(
        'refill_stock',
        'stock->nr_pages += nr_pages',
        op('stock->nr_pages += nr_pages - 1', (x) => {
          x.s.stock[x.cpu].nr += x.n - 1;
        }),
      ),
  });
