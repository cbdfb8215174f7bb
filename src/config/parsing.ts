/**
 * What parsing every configuration file shares: YAML that reports instead of throwing, joi problems named by
 * file and key, secret references resolved from the environment or a file, and freezing the result.
 */
import type Joi from 'joi';
import { parse as parseYaml } from 'yaml';
import type { SecretRef } from './types.js';

/** A file that is there but is not YAML: already reported, so nothing more is said about its keys. */
export const NOT_YAML = Symbol('not YAML');

export function readYaml(file: string, text: string | undefined, problems: string[]): unknown {
  if (text === undefined) return undefined;
  try {
    return parseYaml(text) ?? {};
  } catch (err) {
    problems.push(`${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    return NOT_YAML;
  }
}

/** joi's message without its leading label: the key is named before it. */
export const joiMessage = (d: Joi.ValidationErrorItem): string => d.message.replace(/^"[^"]*" /, '');

export function joiProblems(file: string, error: Joi.ValidationError | undefined): string[] {
  return (error?.details ?? []).map((d) => `${file}: ${d.path.join('.') || '(root)'}: ${joiMessage(d)}`);
}

export type SecretFn = (file: string, key: string, ref: SecretRef | undefined, required: boolean) => string | undefined;

/** Resolves a secret reference from the environment or a file, adding a problem (file and key) when it cannot. */
export function secretReader(env: Record<string, string | undefined>, readSecretFile: (path: string) => string, problems: string[]): SecretFn {
  return (file, key, ref, required) => {
    if (!ref) return undefined;
    if ('env' in ref) {
      const v = env[ref.env];
      if (v === undefined || v === '') {
        if (required) problems.push(`${file}: ${key}: environment variable ${ref.env} is not set`);
        return undefined;
      }
      return v;
    }
    try {
      return readSecretFile(ref.file).trim();
    } catch {
      problems.push(`${file}: ${key}: cannot read secret file ${ref.file}`);
      return undefined;
    }
  };
}

export function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
