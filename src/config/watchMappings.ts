import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { parse as parseYaml } from 'yaml';
import { parseMappingProfile } from './mappingSchema.js';
import type { MappingProfile } from './mappingSchema.js';

/**
 * Reloads a mapping profile when its file changes. A file that does not parse or validate is rejected with
 * every problem (file and key) in the log, and the profile already in force stays in force.
 * Returns a function that stops watching.
 */
export function watchMappings(dir: string, logger: Logger, apply: (name: string, profile: MappingProfile) => void): () => void {
  const pending = new Map<string, NodeJS.Timeout>();
  const reload = async (file: string): Promise<void> => {
    const name = file.replace(/\.ya?ml$/, '');
    const label = `${dir}/${file}`;
    let text: string;
    try {
      text = await readFile(join(dir, file), 'utf8');
    } catch {
      return; // removed or being replaced; the next event brings the new file
    }
    let raw: unknown;
    try {
      raw = parseYaml(text) ?? {};
    } catch (err) {
      logger.error({ file: label, problems: [`${label}: not valid YAML: ${(err as Error).message.split('\n')[0]}`] }, 'mapping profile rejected; the previous one stays in force');
      return;
    }
    const { profile, problems } = parseMappingProfile(raw, label);
    if (!profile || problems.length > 0) {
      for (const p of problems) logger.error({ file: label, problem: p }, 'mapping profile problem');
      logger.error({ file: label, problems }, 'mapping profile rejected; the previous one stays in force');
      return;
    }
    apply(name, profile);
    logger.info({ file: label, profile: name }, 'mapping profile reloaded');
  };
  let watcher: FSWatcher;
  try {
    watcher = watch(dir, (_event, filename) => {
      if (!filename || !/\.ya?ml$/.test(filename)) return;
      // Editors write files in several steps: wait for the writes to settle.
      clearTimeout(pending.get(filename));
      pending.set(filename, setTimeout(() => void reload(filename), 150));
    });
  } catch (err) {
    logger.warn({ dir, err }, 'cannot watch mapping profiles; edits need a restart');
    return () => undefined;
  }
  return () => {
    watcher.close();
    for (const t of pending.values()) clearTimeout(t);
  };
}
