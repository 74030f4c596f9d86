import { describe, expect, it } from 'vitest';
import { resolveProtections } from '../../src/app/protections';
import { loadConfig } from '../../src/config/config';

// The protection settings: documented defaults, production's stricter ones, and a refusal naming the
// variable for a bad value.

describe('protection settings', () => {
  it('should default to the safe values, introspection on outside production only', () => {
    const development = loadConfig({}).protections;
    expect(development).toEqual({
      limits: {
        maxBodyBytes: 1_048_576,
        maxVariablesBytes: 524_288,
        maxTokens: 2000,
        maxDepth: 10,
        maxAliases: 15,
        maxRootFields: 10,
        maxDirectives: 20,
        maxCost: 50_000,
      },
      introspection: 'all',
      corsOrigins: [],
      tokenPolicy: { maxLifetimeSeconds: 86_400 },
      rateLimits: { windowSeconds: 60, authenticated: 600, anonymous: 60 },
      trustedDocuments: 'off',
      trustProxyHops: 0,
    });
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }).protections.introspection).toBe('off');
    // createServer without settings gets the same defaults.
    expect(resolveProtections(false)).toEqual(development);
    expect(resolveProtections(true).introspection).toBe('off');
  });

  it('should read every setting', () => {
    const protections = loadConfig({
      PA_GRAPHQL_MAX_BODY_BYTES: '2048',
      PA_GRAPHQL_MAX_VARIABLES_BYTES: '1024',
      PA_GRAPHQL_MAX_TOKENS: '500',
      PA_GRAPHQL_MAX_DEPTH: '6',
      PA_GRAPHQL_MAX_ALIASES: '3',
      PA_GRAPHQL_MAX_ROOT_FIELDS: '4',
      PA_GRAPHQL_MAX_DIRECTIVES: '5',
      PA_GRAPHQL_MAX_COST: '9000',
      PA_INTROSPECTION: 'authenticated',
      PA_CORS_ORIGINS: 'https://portal.example.org, http://localhost:5173',
      PA_TOKEN_MAX_LIFETIME_SECONDS: '3600',
      PA_RATE_LIMIT_WINDOW_SECONDS: '10',
      PA_RATE_LIMIT_AUTHENTICATED: '100',
      PA_RATE_LIMIT_ANONYMOUS: '0',
      PA_TRUSTED_DOCUMENTS: 'views',
      PA_TRUST_PROXY_HOPS: '1',
    }).protections;
    expect(protections.limits).toEqual({
      maxBodyBytes: 2048,
      maxVariablesBytes: 1024,
      maxTokens: 500,
      maxDepth: 6,
      maxAliases: 3,
      maxRootFields: 4,
      maxDirectives: 5,
      maxCost: 9000,
    });
    expect(protections.introspection).toBe('authenticated');
    expect(protections.corsOrigins).toEqual(['https://portal.example.org', 'http://localhost:5173']);
    expect(protections.tokenPolicy.maxLifetimeSeconds).toBe(3600);
    expect(protections.rateLimits).toEqual({ windowSeconds: 10, authenticated: 100, anonymous: 0 });
    expect(protections.trustedDocuments).toBe('views');
    expect(protections.trustProxyHops).toBe(1);
    expect(loadConfig({ PA_RATE_LIMIT_AUTHENTICATED: '0', PA_RATE_LIMIT_ANONYMOUS: '0' }).protections.rateLimits).toBeNull();
  });

  it('should name the variable when a value is bad', () => {
    expect(() => loadConfig({ PA_GRAPHQL_MAX_DEPTH: 'deep' })).toThrow(/PA_GRAPHQL_MAX_DEPTH/);
    expect(() => loadConfig({ PA_GRAPHQL_MAX_TOKENS: '5' })).toThrow(/PA_GRAPHQL_MAX_TOKENS/);
    expect(() => loadConfig({ PA_INTROSPECTION: 'yes' })).toThrow(/PA_INTROSPECTION/);
    expect(() => loadConfig({ PA_CORS_ORIGINS: 'portal.example.org' })).toThrow(/PA_CORS_ORIGINS/);
    expect(() => loadConfig({ PA_CORS_ORIGINS: 'https://portal.example.org/app' })).toThrow(
      /PA_CORS_ORIGINS.*https:\/\/portal\.example\.org/,
    );
    expect(() => loadConfig({ PA_TRUSTED_DOCUMENTS: 'on' })).toThrow(/PA_TRUSTED_DOCUMENTS/);
    expect(() => loadConfig({ PA_TOKEN_MAX_LIFETIME_SECONDS: '0' })).toThrow(/PA_TOKEN_MAX_LIFETIME_SECONDS/);
  });
});
