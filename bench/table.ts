/** Plain-text tables and number formats for the benchmark report. */

/** Columns right-aligned except the first; a rule under the header. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** 1234567 -> "1,234,567". */
export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A figure with `digits` decimals. */
export function fixed(n: number, digits = 1): string {
  return n.toFixed(digits);
}

/** A ratio such as "3.42x". */
export function times(n: number): string {
  return `${n.toFixed(2)}x`;
}
