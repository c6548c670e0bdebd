/**
 * After the build (`npm run build`): the bin file (package.json "bin") must start with its shebang
 * and be executable, in the checkout and in the packed tarball. tsc keeps the shebang but writes
 * files 0644.
 */
import { chmodSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
for (const file of Object.values(pkg.bin)) {
  const url = new URL(`../${file}`, import.meta.url);
  const first = readFileSync(url, 'utf8').split('\n', 1)[0];
  if (first !== '#!/usr/bin/env node') {
    process.stderr.write(
      `${file}: the first line must be "#!/usr/bin/env node", it is ${JSON.stringify(first)}\n`,
    );
    process.exit(1);
  }
  chmodSync(url, 0o755);
}
