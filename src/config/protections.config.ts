import { ConfigError } from './config-error';
import type { IntrospectionPolicy, Protections, TrustedDocumentsMode } from './protection-settings';

// The protection settings (README "Running in production: limits and protections"). Read from the
// environment object config.ts hands over; defaults are the safe ones.

type Environment = Record<string, string | undefined>;

interface Readers {
  readInteger(environment: Environment, variable: string, fallback: number, min: number, max: number): number;
  readChoice<T extends string>(environment: Environment, variable: string, fallback: T, choices: readonly T[]): T;
}

function readOrigins(environment: Environment): string[] {
  const raw = environment.PA_CORS_ORIGINS ?? '';
  return raw
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '')
    .map((origin) => {
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        throw new ConfigError('PA_CORS_ORIGINS', `holds "${origin}", which is not an origin such as https://portal.example.org`);
      }
      if (url.origin !== origin) throw new ConfigError('PA_CORS_ORIGINS', `holds "${origin}"; write the origin alone: "${url.origin}"`);
      return origin;
    });
}

export function readProtections(environment: Environment, production: boolean, { readInteger, readChoice }: Readers): Protections {
  const mib = 1024 * 1024;
  const windowSeconds = readInteger(environment, 'PA_RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400);
  const authenticated = readInteger(environment, 'PA_RATE_LIMIT_AUTHENTICATED', 600, 0, 10_000_000);
  const anonymous = readInteger(environment, 'PA_RATE_LIMIT_ANONYMOUS', 60, 0, 10_000_000);
  return {
    limits: {
      maxBodyBytes: readInteger(environment, 'PA_GRAPHQL_MAX_BODY_BYTES', mib, 1024, 100 * mib),
      maxVariablesBytes: readInteger(environment, 'PA_GRAPHQL_MAX_VARIABLES_BYTES', mib / 2, 0, 100 * mib),
      maxTokens: readInteger(environment, 'PA_GRAPHQL_MAX_TOKENS', 2000, 10, 1_000_000),
      maxDepth: readInteger(environment, 'PA_GRAPHQL_MAX_DEPTH', 10, 1, 100),
      maxAliases: readInteger(environment, 'PA_GRAPHQL_MAX_ALIASES', 15, 0, 10_000),
      maxRootFields: readInteger(environment, 'PA_GRAPHQL_MAX_ROOT_FIELDS', 10, 1, 10_000),
      maxDirectives: readInteger(environment, 'PA_GRAPHQL_MAX_DIRECTIVES', 20, 0, 10_000),
      maxCost: readInteger(environment, 'PA_GRAPHQL_MAX_COST', 50_000, 1, 1_000_000_000),
    },
    introspection: readChoice<IntrospectionPolicy>(environment, 'PA_INTROSPECTION', production ? 'off' : 'all', [
      'all',
      'authenticated',
      'off',
    ]),
    corsOrigins: readOrigins(environment),
    tokenPolicy: { maxLifetimeSeconds: readInteger(environment, 'PA_TOKEN_MAX_LIFETIME_SECONDS', 24 * 3600, 60, 366 * 86_400) },
    rateLimits: authenticated === 0 && anonymous === 0 ? null : { windowSeconds, authenticated, anonymous },
    trustedDocuments: readChoice<TrustedDocumentsMode>(environment, 'PA_TRUSTED_DOCUMENTS', 'off', ['off', 'views', 'all']),
    trustProxyHops: readInteger(environment, 'PA_TRUST_PROXY_HOPS', 0, 0, 10),
  };
}
