import type { TokenPolicy } from '../shared/auth';

// The types of the protection settings (README "Running in production: limits and protections"): read by
// protections.config.ts, applied by src/app/protections.ts and src/infrastructure/http/.

export type IntrospectionPolicy = 'all' | 'authenticated' | 'off';

export type TrustedDocumentsMode = 'off' | 'views' | 'all';

export interface OperationLimits {
  /** Largest JSON body accepted at a GraphQL endpoint (413 PAYLOAD_TOO_LARGE above). */
  maxBodyBytes: number;
  /** Largest `variables` object, as JSON (413 PAYLOAD_TOO_LARGE above). */
  maxVariablesBytes: number;
  /** Lexical tokens in the document; the parser stops at the first one over (memory stays flat). */
  maxTokens: number;
  maxDepth: number;
  /** Every alias counts, `__typename` ones included. */
  maxAliases: number;
  /** Fields of the operation's root selection (after fragments are spread). */
  maxRootFields: number;
  maxDirectives: number;
  /** Estimated work: see FIELD_COSTS and LIST_SIZES. */
  maxCost: number;
}

export interface RateLimitOptions {
  windowSeconds: number;
  /** Requests per window and token subject; 0 = no limit. */
  authenticated: number;
  /** Requests per window and client address without a valid token; 0 = no limit. */
  anonymous: number;
}

export interface Protections {
  limits: OperationLimits;
  introspection: IntrospectionPolicy;
  /** Origins allowed by CORS; none = same origin only. */
  corsOrigins: readonly string[];
  tokenPolicy: TokenPolicy;
  /** null = no rate limits. */
  rateLimits: RateLimitOptions | null;
  trustedDocuments: TrustedDocumentsMode;
  /** Proxies in front whose X-Forwarded-For is believed (Express "trust proxy"); 0 = none. */
  trustProxyHops: number;
}
