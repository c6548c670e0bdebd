/** The package's version: package.json beside the built CLI (dist/cli/ -> ../../), or beside the sources. */
import { readFileSync } from 'node:fs';

export function version(): string {
  // From dist/cli/version.js the package root is ../../; from cli/version.ts (tsx, vitest) it is ../.
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'memcg-check' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not there: try the next
    }
  }
  throw new Error('package.json of memcg-check not found beside the CLI');
}
