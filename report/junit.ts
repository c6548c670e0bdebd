/** JUnit XML (one test case per gate, or per claim of a check), for CI test reporters. */

export interface JUnitCase {
  readonly name: string;
  readonly classname: string;
  readonly seconds: number;
  /** Present when the case failed: a one-line message and the detail (a counterexample). */
  readonly failure?: { readonly message: string; readonly detail: string };
  /** Present when the run could not judge the case (e.g. it stopped at another claim's violation): why. */
  readonly skipped?: string;
}

const esc = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 forbids most control characters; drop them rather than emit an invalid document.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** `seconds`: the suite's time when its cases share one run (default: the sum of the cases' times). */
export function junitXml(suite: string, cases: readonly JUnitCase[], seconds?: number): string {
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => !c.failure && c.skipped !== undefined).length;
  const time = seconds ?? cases.reduce((t, c) => t + c.seconds, 0);
  const counts = `tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${esc(suite)}" ${counts}>`,
    `  <testsuite name="${esc(suite)}" ${counts}>`,
  ];
  for (const c of cases) {
    const open = `    <testcase name="${esc(c.name)}" classname="${esc(c.classname)}" time="${c.seconds.toFixed(3)}"`;
    if (c.failure) {
      lines.push(`${open}>`);
      lines.push(
        `      <failure message="${esc(c.failure.message)}" type="memcg-check">${esc(c.failure.detail)}</failure>`,
      );
      lines.push('    </testcase>');
    } else if (c.skipped !== undefined) {
      lines.push(`${open}>`, `      <skipped message="${esc(c.skipped)}"/>`, '    </testcase>');
    } else {
      lines.push(`${open}/>`);
    }
  }
  lines.push('  </testsuite>', '</testsuites>');
  return `${lines.join('\n')}\n`;
}
