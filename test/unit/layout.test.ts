// The folders follow the pipeline, and the rule that keeps them honest: nothing that renders events,
// and no pure table, loads the native binding, even through another module.
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.join(__dirname, '../../src');
const IMPORT = /^import\s+(?!type\b)[^'"]*from\s+'(\.[^']+)'/gm;

/** Every module `file` loads at run time (type-only imports are erased), followed through src/. */
function runtimeImports(file: string, seen = new Set<string>()): Set<string> {
  for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const target = path.resolve(path.dirname(file), spec) + '.ts';
    if (!fs.existsSync(target) || seen.has(target)) continue;
    seen.add(target);
    runtimeImports(target, seen);
  }
  return seen;
}

const modulesIn = (folder: string) =>
  fs.readdirSync(path.join(SRC, folder)).filter((name) => name.endsWith('.ts')).map((name) => path.join(SRC, folder, name));

describe('the layout', () => {
  it.each([...modulesIn('render'), ...modulesIn('libc')].map((file) => [path.relative(SRC, file), file]))(
    '%s never loads src/libc/native',
    (_name, file) => {
      const native = [...runtimeImports(file)].filter((dependency) => dependency.includes(`${path.sep}libc${path.sep}native${path.sep}`));
      expect(native.map((dependency) => path.relative(SRC, dependency))).toEqual([]);
    },
  );
});
