import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { type ValidationError, validateSync } from 'class-validator';

/** Thrown by `loadConfig`; lists every bad or missing variable, never their values. */
export class ConfigValidationError extends Error {
  constructor(
    readonly configName: string,
    readonly problems: readonly string[],
  ) {
    super(
      `Invalid configuration (${configName}), ${problems.length} problem(s):\n${problems
        .map((problem) => `  - ${problem}`)
        .join('\n')}`,
    );
    this.name = 'ConfigValidationError';
  }
}

type Environment = Readonly<Record<string, string | undefined>>;

// Values shorter than this are not scrubbed from messages: "1" would mangle unrelated text.
const MIN_SCRUBBED_LENGTH = 3;

/**
 * Builds a typed, validated config object from environment variables, once, at boot.
 * Properties are the variable names, decorated with class-validator rules; defaults are property
 * initialisers. Empty variables count as unset. Variables the class does not declare are dropped.
 *
 * A property is a number or a boolean when its declared type says so (`RETRIES!: number`) or,
 * for an initialised property without annotation (`PORT = 3000`), when its default is one.
 * Booleans accept true/false, 1/0, yes/no, on/off. class-transformer's implicit conversion is not
 * used: it turns the string "false" into `true` and cannot see types that are only inferred.
 */
export function loadConfig<T extends object>(
  ConfigClass: new () => T,
  env: Environment = process.env,
): T {
  const defaults = new ConfigClass() as Record<string, unknown>;
  const source: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') {
      source[key] = convert(value, declaredType(ConfigClass, key, defaults[key]));
    }
  }
  const config = plainToInstance(ConfigClass, source);
  const errors = validateSync(config, {
    whitelist: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) {
    const rejected = errors
      .map((error) => env[error.property])
      .filter((value): value is string => (value?.length ?? 0) >= MIN_SCRUBBED_LENGTH);
    throw new ConfigValidationError(
      ConfigClass.name,
      describeErrors(errors, '', env).map((problem) => scrub(problem, rejected)),
    );
  }
  return config;
}

type ScalarType = 'number' | 'boolean' | 'string';

function declaredType(ConfigClass: new () => object, key: string, fallback: unknown): ScalarType {
  const designType: unknown = Reflect.getMetadata('design:type', ConfigClass.prototype, key);
  if (designType === Number || typeof fallback === 'number') {
    return 'number';
  }
  if (designType === Boolean || typeof fallback === 'boolean') {
    return 'boolean';
  }
  return 'string';
}

// Unparseable text is passed through unchanged so the validators report it.
function convert(raw: string, type: ScalarType): unknown {
  switch (type) {
    case 'number': {
      const trimmed = raw.trim();
      return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(trimmed) ? Number(trimmed) : raw;
    }
    case 'boolean':
      return parseBoolean(raw);
    case 'string':
      return raw;
  }
}

function parseBoolean(raw: string): unknown {
  const normalized = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalized)) {
    return true;
  }
  if (['false', '0', 'no', 'off'].includes(normalized)) {
    return false;
  }
  return raw;
}

function describeErrors(
  errors: readonly ValidationError[],
  prefix: string,
  env: Environment,
): string[] {
  return errors.flatMap((error) => {
    const path = `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message,
    );
    const problems: string[] = [];
    if (own.length > 0) {
      const missing = prefix === '' && !env[error.property]?.trim();
      problems.push(`${path}: ${missing ? 'is missing; ' : ''}${own.join('; ')}`);
    }
    return [...problems, ...describeErrors(error.children ?? [], `${path}.`, env)];
  });
}

// Custom messages may interpolate $value; make sure a rejected value never leaks into the error.
function scrub(message: string, secrets: readonly string[]): string {
  return secrets.reduce((text, secret) => text.split(secret).join('[hidden]'), message);
}
