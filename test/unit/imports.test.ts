/**
 * The layering rules, checked over the static import graph of src/ (dynamic import() is how sandbox mode
 * loads the simulator on demand, so it is not followed): the production entry point never loads a simulator
 * or the demo, the domain imports nothing from http/, routes/ or jobs/, and routes/ reach jobs/ only
 * through the job registry.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
// `import type` is erased at compile time: it loads nothing.
const STATIC = /(?:^|\n)\s*(?:import|export)\s(?!type\s)(?:[^;'"]*?\sfrom\s)?['"]([^'"]+)['"]/g;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The project files `file` imports statically, as paths relative to src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  return [...text.matchAll(STATIC)]
    .map((m) => m[1]!)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => relative(SRC, resolve(dirname(join(SRC, file)), spec.replace(/\.js$/, '.ts'))));
}

function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...importsOf(f));
  }
  return seen;
}

describe('import layering', () => {
  const all = files(SRC).map((f) => relative(SRC, f));

  it('reads real imports (the walker finds the known edges, so an empty answer below means something)', () => {
    expect(importsOf('server.ts')).to.include('runtime.ts');
    expect(reachable('server.ts').size).to.be.greaterThan(40);
  });

  it('the production path (server.ts) loads no simulator and no demo', () => {
    const loaded = [...reachable('server.ts')].filter((f) => f.startsWith('sandbox/') || f.startsWith('demo/'));
    expect(loaded).to.deep.equal([]);
  });

  it('the domain imports nothing from http/, routes/ or jobs/', () => {
    const bad = all.filter((f) => f.startsWith('domain/')).flatMap((f) => importsOf(f).filter((i) => /^(http|routes|jobs)\//.test(i)).map((i) => `${f} -> ${i}`));
    expect(bad).to.deep.equal([]);
  });

  it('routes/ reach jobs/ only through the job registry', () => {
    const bad = all.filter((f) => f.startsWith('routes/')).flatMap((f) => importsOf(f).filter((i) => i.startsWith('jobs/') && i !== 'jobs/registry.ts').map((i) => `${f} -> ${i}`));
    expect(bad).to.deep.equal([]);
  });
});
