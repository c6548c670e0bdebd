/**
 * A packed codec derived from a declared layout: a template state whose shape (objects with a fixed
 * set of keys, arrays of fixed length) every state shares, with small integers at the leaves. Each
 * integer takes one signed byte (-128..127); a value out of range is an error, never a silent wrap,
 * so the encoding stays exact.
 *
 * The encoder and decoders are generated as straight-line code from the template (one statement per
 * leaf): the explorer calls them once or twice per transition, so they are the hot path.
 */
import { CheckerError } from './errors.js';
import type { Codec } from './types.js';

type Shape = number | readonly Shape[] | { readonly [k: string]: Shape };

interface Leaf {
  /** JS access path from the state root, e.g. `.memcg[0].ref`. */
  readonly access: string;
  /** Human path, e.g. `state.memcg[0].ref`. */
  readonly path: string;
}

function collect(shape: Shape, access: string, path: string, out: Leaf[]): void {
  if (typeof shape === 'number') {
    out.push({ access, path });
    return;
  }
  if (Array.isArray(shape)) {
    shape.forEach((s, i) => {
      collect(s, `${access}[${i}]`, `${path}[${i}]`, out);
    });
    return;
  }
  if (shape === null || typeof shape !== 'object') {
    throw new CheckerError(
      'E_BAD_OPTION',
      `layout codec: ${path} is ${String(shape)}; leaves must be integers`,
    );
  }
  for (const [k, v] of Object.entries(shape)) {
    const key = /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
    collect(v as Shape, `${access}${key}`, `${path}.${k}`, out);
  }
}

/** A JS expression building a fresh object of the template's shape from `src` at `at + offset`. */
function literal(shape: Shape, next: { i: number }): string {
  if (typeof shape === 'number') return `((src[at + ${next.i++}] << 24) >> 24)`;
  if (Array.isArray(shape)) return `[${shape.map((s) => literal(s, next)).join(', ')}]`;
  const parts = Object.entries(shape).map(([k, v]) => `${JSON.stringify(k)}: ${literal(v as Shape, next)}`);
  return `{${parts.join(', ')}}`;
}

/** The leaf paths of a layout in encoding order (byte i of an encoding holds leaf i), e.g. `state.memcg[0].ref`. */
export function leafPaths(template: unknown): string[] {
  const leaves: Leaf[] = [];
  collect(template as Shape, '', 'state', leaves);
  return leaves.map((l) => l.path);
}

/** A codec for every state shaped like `template` (only its shape is used, not its values). */
export function layoutCodec<S>(template: S): Codec<S> {
  const leaves: Leaf[] = [];
  collect(template as unknown as Shape, '', 'state', leaves);
  const paths = leaves.map((l) => l.path);
  const bad = (i: number, v: unknown) => {
    throw new CheckerError(
      'E_CODEC_MISMATCH',
      `layout codec: ${paths[i]} = ${String(v)} is not an integer in -128..127`,
    );
  };
  const encBody = leaves
    .map((l, i) => `v = s${l.access}; if (v !== (v << 24) >> 24) bad(${i}, v); out[at + ${i}] = v;`)
    .join('\n');
  const intoBody = leaves.map((l, i) => `d${l.access} = (src[at + ${i}] << 24) >> 24;`).join('\n');
  const encode = new Function('bad', `return function encode(s, out, at) { let v;\n${encBody}\n}`)(
    bad,
  ) as Codec<S>['encode'];
  const decodeInto = new Function(
    `return function decodeInto(src, at, d) {\n${intoBody}\n}`,
  )() as NonNullable<Codec<S>['decodeInto']>;
  const decode = new Function(
    `return function decode(src, at) { return ${literal(template as unknown as Shape, { i: 0 })}; }`,
  )() as Codec<S>['decode'];
  return { bytes: leaves.length, encode, decode, decodeInto };
}
