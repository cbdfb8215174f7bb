/**
 * A small reader and replayer of this project's Dockerfile, for machines without a Docker engine: it parses
 * the instructions and re-runs the build stages on the host, each stage in its own folder standing for WORKDIR.
 * It supports what the Dockerfile uses (FROM ... AS, WORKDIR, ENV, COPY [--from], RUN, USER, EXPOSE,
 * STOPSIGNAL, HEALTHCHECK, CMD) and throws on anything else, so a Dockerfile change it cannot replay faithfully
 * fails the test instead of passing unchecked.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  index: number;
  name: string;
  from: string;
  instructions: Instruction[];
}

/** Splits a Dockerfile into stages of instructions (line continuations joined, comments dropped). */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    while (line.endsWith('\\')) {
      line = line.slice(0, -1);
      i++;
      const next = (lines[i] ?? '').trim();
      if (!next.startsWith('#')) line += ' ' + next;
    }
    const m = /^(\w+)\s+(.*)$/s.exec(line.trim());
    if (!m) throw new Error(`Dockerfile line ${start}: cannot parse "${line}"`);
    const ins = { keyword: m[1]!.toUpperCase(), args: m[2]!.replace(/\s+/g, ' ').trim(), line: start };
    if (ins.keyword === 'FROM') {
      const f = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!f) throw new Error(`Dockerfile line ${start}: cannot parse FROM ${ins.args}`);
      stages.push({ index: stages.length, name: f[2] ?? String(stages.length), from: f[1]!, instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`Dockerfile line ${start}: ${ins.keyword} before FROM`);
      stage.instructions.push(ins);
    }
  }
  return stages;
}

/** The stage a stage is built FROM, when it is one of ours (undefined for an image). */
export const parentStage = (stages: Stage[], s: Stage): Stage | undefined => stages.find((p) => p.name === s.from && p.index < s.index);

/** The image at the root of a stage's FROM chain. */
export function rootImage(stages: Stage[], s: Stage): string {
  const p = parentStage(stages, s);
  return p ? rootImage(stages, p) : s.from;
}

/** Instructions of a keyword visible in a stage, including those inherited through FROM <stage>. */
export function inherited(stages: Stage[], s: Stage, keyword: string): Instruction[] {
  const p = parentStage(stages, s);
  return [...(p ? inherited(stages, p, keyword) : []), ...s.instructions.filter((i) => i.keyword === keyword)];
}

/** Splits "--flag=value --other=x rest" into flags and the rest. */
export function splitFlags(args: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = args;
  for (let m = /^--([\w-]+)(?:=(\S+))?\s+/.exec(rest); m; m = /^--([\w-]+)(?:=(\S+))?\s+/.exec(rest)) {
    flags[m[1]!] = m[2] ?? 'true';
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

/** ENV K=V [K2=V2 ...] (double quotes allowed around a value). */
export function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  const re = /([A-Za-z_][\w]*)=("(?:[^"\\]|\\.)*"|\S*)/g;
  for (const m of args.matchAll(re)) env[m[1]!] = m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!;
  if (Object.keys(env).length === 0) throw new Error(`ENV ${args}: only the KEY=value form is supported`);
  return env;
}

/** The JSON array of an exec-form CMD (or HEALTHCHECK ... CMD); throws on the shell form. */
export function execForm(args: string): string[] {
  const json: unknown = JSON.parse(args);
  if (!Array.isArray(json) || !json.every((x) => typeof x === 'string')) throw new Error(`not exec form: ${args}`);
  return json;
}

/** Docker's .dockerignore matching: last matching pattern wins, "!" re-includes, a matched folder covers its content. */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, ''));
      const source = pattern
        .split(/(\*\*\/?|\*|\?)/)
        .map((part) => (part === '**/' || part === '**' ? '(?:.*/)?' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('');
      return { negate, re: new RegExp(`^${source}(?:/.*)?$`) };
    });
  return (path) => {
    let excluded = false;
    for (const r of rules) if (r.re.test(path)) excluded = !r.negate;
    return excluded;
  };
}

/** Copies a build context: every file under root that .dockerignore does not exclude. Returns the relative paths. */
export function copyContext(root: string, dest: string): string[] {
  const ignoreFile = join(root, '.dockerignore');
  const ignored = dockerignore(existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : '');
  const hasNegation = existsSync(ignoreFile) && /^\s*!/m.test(readFileSync(ignoreFile, 'utf8'));
  const copied: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        // Docker still walks an ignored folder when a "!" pattern may re-include something inside it.
        if (ignored(path) && !hasNegation) continue;
        walk(path);
      } else if (!ignored(path)) {
        mkdirSync(dirname(join(dest, path)), { recursive: true });
        cpSync(join(root, path), join(dest, path));
        copied.push(path);
      }
    }
  };
  walk('');
  return copied.sort();
}

export interface ReplayOptions {
  /** The build context (a copy of the repository filtered by .dockerignore). */
  context: string;
  /** Where each stage's WORKDIR is laid out: <workRoot>/<stage name>. */
  workRoot: string;
  /** Environment the RUN commands start from (the host's PATH, HOME, npm cache). */
  baseEnv: NodeJS.ProcessEnv;
  /** ENV values that describe the image's filesystem and must be translated for the host (e.g. nodedir). */
  hostOverrides: Record<string, string>;
  /** Whether one && segment of a RUN is about the operating system (packages, users), not the app: skipped. */
  isSystemStep: (segment: string) => boolean;
  log: (line: string) => void;
}

export interface ReplayedStage {
  dir: string;
  workdir: string;
  env: Record<string, string>;
  skipped: string[];
  ran: string[];
}

/**
 * Replays the stages a target needs, as BuildKit would: a stage starts once its parent is built, and waits for
 * the stages it copies from, so independent stages (build, prod-deps) run at the same time.
 */
export function replay(stages: Stage[], target: string, opts: ReplayOptions): Promise<ReplayedStage> {
  const built = new Map<string, Promise<ReplayedStage>>();
  const build = (name: string): Promise<ReplayedStage> => {
    let p = built.get(name);
    if (!p) {
      const stage = stages.find((s) => s.name === name);
      if (!stage) throw new Error(`no stage named ${name}`);
      p = buildStage(stage);
      built.set(name, p);
    }
    return p;
  };

  const buildStage = async (stage: Stage): Promise<ReplayedStage> => {
    const dir = join(opts.workRoot, stage.name);
    const parent = parentStage(stages, stage);
    const from = parent ? await build(parent.name) : undefined;
    mkdirSync(dir, { recursive: true });
    if (from) cpSync(from.dir, dir, { recursive: true, verbatimSymlinks: true });
    const state: ReplayedStage = {
      dir,
      workdir: from?.workdir ?? '/',
      env: { ...(from?.env ?? {}) },
      skipped: [...(from?.skipped ?? [])],
      ran: [...(from?.ran ?? [])],
    };
    const inStage = (p: string, base: string, root: string): string => {
      const abs = posix.isAbsolute(p) ? p : posix.join(state.workdir, p);
      if (abs !== base && !abs.startsWith(`${base}/`)) throw new Error(`${stage.name}: path ${p} is outside ${base}, which the replay cannot map`);
      return join(root, posix.relative(base, abs));
    };
    for (const ins of stage.instructions) {
      switch (ins.keyword) {
        case 'WORKDIR':
          if (ins.args !== '/app') throw new Error(`${stage.name}: WORKDIR ${ins.args}: the replay maps only /app`);
          state.workdir = '/app';
          break;
        case 'ENV':
          Object.assign(state.env, parseEnv(ins.args));
          break;
        case 'COPY': {
          const { flags, rest } = splitFlags(ins.args);
          const parts = rest.split(' ');
          const dest = parts.pop()!;
          const source = flags.from ? (await build(flags.from)).dir : opts.context;
          for (const src of parts) {
            const from = flags.from ? inStage(src, '/app', source) : join(source, src);
            if (!existsSync(from)) throw new Error(`${stage.name}: COPY ${ins.args}: ${src} does not exist (line ${ins.line})`);
            const destIsDir = dest.endsWith('/') || parts.length > 1 || statSync(from).isDirectory();
            const to = inStage(dest, '/app', dir);
            // Docker copies a folder's content, and a file into a folder destination under its own name.
            const target = destIsDir && !statSync(from).isDirectory() ? join(to, basename(from)) : to;
            mkdirSync(statSync(from).isDirectory() ? target : dirname(target), { recursive: true });
            cpSync(from, target, { recursive: true, verbatimSymlinks: true });
          }
          break;
        }
        case 'RUN': {
          const { rest } = splitFlags(ins.args);
          for (const segment of rest.split('&&').map((s) => s.trim())) {
            if (opts.isSystemStep(segment)) {
              state.skipped.push(segment);
              opts.log(`[${stage.name}] skip (system): ${segment}`);
              continue;
            }
            if (/(^|\s)\/app(\/|\s|$)/.test(segment)) throw new Error(`${stage.name}: RUN ${segment}: absolute /app paths cannot be replayed`);
            opts.log(`[${stage.name}] run: ${segment}`);
            await sh(segment, dir, { ...opts.baseEnv, ...state.env, ...opts.hostOverrides });
            state.ran.push(segment);
          }
          break;
        }
        case 'USER':
        case 'EXPOSE':
        case 'STOPSIGNAL':
        case 'HEALTHCHECK':
        case 'CMD':
          break;
        default:
          throw new Error(`${stage.name}: ${ins.keyword} (line ${ins.line}) is not supported by the replay`);
      }
    }
    return state;
  };
  return build(target);
}

/** Runs a shell command; rejects with the end of its output when it fails. */
export function sh(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`"${command}" in ${cwd} exited ${code}:\n${out.slice(-4000)}`))));
  });
}
