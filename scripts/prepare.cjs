'use strict';
// `npm install` / `npm ci` run this (the "prepare" script): build dist/ with the TypeScript compiler.
// A production install (`npm ci --omit=dev`, the Dockerfile's runtime stage) has no compiler and
// brings its dist/ along, so there is nothing to build: say so and succeed.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  const dist = existsSync(join(__dirname, '..', 'dist', 'index.js'));
  console.log(
    dist
      ? 'prepare: no TypeScript compiler (a production install); using the dist/ that is here'
      : 'prepare: no TypeScript compiler and no dist/: build with `npm ci && npm run build` first',
  );
  process.exit(dist ? 0 : 1);
}
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
  cwd: join(__dirname, '..'),
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
