import { UsageError } from './usage-error.js';

/** One flag: a boolean or one taking a value; `alias` names the flag it stands for. */
export interface OptionSpec {
  readonly type: 'boolean' | 'string';
  readonly short?: string;
  readonly alias?: string;
}

/** A flag as given: its long name, how the user wrote it (-k, --keep) and its value. */
export interface GivenOption {
  readonly name: string;
  readonly given: string;
  readonly value?: string;
}

/**
 * GNU getopt_long, as gzip uses it: short-flag groups (-kc9), a value in the
 * same word or the next (-p2, -p 2, --suffix=.z, --suffix .z), unique
 * prefixes of long names (--dec), flags after operands, `--` ending flags,
 * `-` an operand. Errors carry getopt's words, so that a user sees what gzip
 * would print. (node:util parseArgs has neither prefixes nor these messages.)
 */
export function parseGetopt(args: readonly string[], specs: Readonly<Record<string, OptionSpec>>): { options: GivenOption[]; positionals: string[] } {
  const options: GivenOption[] = [];
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) if (spec.short !== undefined) byShort.set(spec.short, name);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const written = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const name = longName(written, specs);
      if (specs[name].type === 'boolean') {
        if (eq >= 0) throw new UsageError(`option '--${name}' doesn't allow an argument`);
        options.push({ name, given: `--${name}` });
      } else if (eq >= 0) {
        options.push({ name, given: `--${name}`, value: arg.slice(eq + 1) });
      } else {
        if (i + 1 >= args.length) throw new UsageError(`option '--${name}' requires an argument`);
        options.push({ name, given: `--${name}`, value: args[++i] });
      }
      continue;
    }
    if (arg.length < 2 || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j];
      const name = byShort.get(letter);
      if (name === undefined) throw new UsageError(`invalid option -- '${letter}'`);
      if (specs[name].type === 'boolean') {
        options.push({ name, given: `-${letter}` });
        continue;
      }
      if (j + 1 < arg.length) {
        options.push({ name, given: `-${letter}`, value: arg.slice(j + 1) });
      } else {
        if (i + 1 >= args.length) throw new UsageError(`option requires an argument -- '${letter}'`);
        options.push({ name, given: `-${letter}`, value: args[++i] });
      }
      break;
    }
  }
  return { options, positionals };
}

/** The long flag `written` names: itself, or the one flag it is a prefix of (aliases of one flag count once). */
function longName(written: string, specs: Readonly<Record<string, OptionSpec>>): string {
  if (written in specs) return written;
  const candidates = Object.keys(specs).filter((n) => n.startsWith(written) && written.length > 0);
  const targets = new Set(candidates.map((n) => specs[n].alias ?? n));
  if (candidates.length === 0) throw new UsageError(`unrecognized option '--${written}'`);
  if (targets.size > 1) throw new UsageError(`option '--${written}' is ambiguous; possibilities: ${candidates.map((n) => `'--${n}'`).join(' ')}`);
  return candidates[0];
}
