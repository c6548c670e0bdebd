/**
 * OLD = v5.8 ([5.8] in the spec): one css reference per charged 4k page (spec §2.2). The holders
 * of references are charges: pages, stock pages, uncharge batches, in-flight charges. The ops are
 * in the path modules (model/paths/), each under its `old` key where the designs differ.
 */
import { designOf } from '../paths/designs.js';

export const oldDesign = designOf({
  name: 'old',
  scheme: 'old',
  description: 'v5.8: one css reference per charged page (stock pages and batches carry their refs)',
});
