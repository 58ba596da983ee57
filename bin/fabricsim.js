#!/usr/bin/env node
// The fabricsim command. The TypeScript sources are compiled to dist/ by `npm ci` / `npm install`
// (the package's `prepare` script) and by `npm start`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('fabricsim: dist/ is missing; run `npm ci` (or `npm run build`) in the fabricsim folder first\n');
  process.exit(2);
}
// Output piped into a reader that stops early (`fabricsim list | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
