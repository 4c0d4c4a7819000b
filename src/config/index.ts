import { z } from 'zod';
import { configSchema, type Config } from './schema.js';

export type { Config } from './schema.js';

/** A configuration the process cannot start with; `message` is one line naming the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
  constructor(
    message: string,
    readonly variables: string[],
  ) {
    super(message);
  }
}

function describe(issue: z.core.$ZodIssue): string {
  const variable = String(issue.path[0] ?? '?');
  return `${variable} ${issue.message}`;
}

/** Parses and freezes the configuration; throws ConfigError naming every bad variable on one line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings in a .env file mean "not set", so defaults apply.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(describe);
    throw new ConfigError(
      `invalid configuration: ${lines.join('; ')}`,
      parsed.error.issues.map((i) => String(i.path[0])),
    );
  }
  return Object.freeze(parsed.data);
}

/** For entry points: load or print the one-line reason and exit (EX_CONFIG). */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tongdai: ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}
