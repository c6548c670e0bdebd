/**
 * The HTML report (`--html FILE`): one self-contained file, no network. Built from the JSON result
 * (report/json.ts). Placeholder until the full viewer lands: see htmlReport below.
 */
export function htmlReport(result: Record<string, unknown>): string {
  const data = JSON.stringify(result).replace(/</g, '\\u003c');
  return `<!doctype html><html><head><meta charset="utf-8"><title>memcg-check report</title></head><body><pre id="out"></pre><script>const RESULT = ${data};document.getElementById('out').textContent = JSON.stringify(RESULT, null, 2);</script></body></html>\n`;
}
