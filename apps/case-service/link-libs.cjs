// tsc keeps `@clement/*` imports as written; link each alias to its compiled library so that
// `node <dist>/apps/case-service/src/main.js` resolves them like packages (no runtime path mapping).
const { existsSync, mkdirSync, symlinkSync } = require('node:fs');
const { join, relative } = require('node:path');
const { compilerOptions } = require('../../tsconfig.base.json');

const dist = process.argv[2];
if (!dist) {
  throw new Error('usage: node link-libs.cjs <dist directory>');
}
const scope = join(dist, 'node_modules', '@clement');
mkdirSync(scope, { recursive: true });
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  // '@clement/messaging' -> libs/messaging/src; subpaths such as '@clement/messaging/nest' are
  // directories inside that link already.
  const name = alias.slice('@clement/'.length);
  const compiled = join(dist, target.replace(/\/index\.ts$/, ''));
  if (name.includes('/') || !existsSync(compiled)) {
    continue;
  }
  symlinkSync(relative(scope, compiled), join(scope, name), 'dir');
}
