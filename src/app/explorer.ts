import express, { type Request, type Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import { EXPLORER_SCRIPT, EXPLORER_STYLE, EXPLORER_WORKERS, explorerFiles, locateExplorerAssets } from './explorer-assets';

// The API explorer: a self-hosted GraphiQL page at GET /graphql and at each department view, for a
// browser (a request that prefers HTML and carries no `query`). Every other request (POST, GET with a
// query, JSON clients) goes on to Apollo unchanged. Off: the same browser request gets a small JSON 404.

export const EXPLORER_ASSETS_PATH = '/explorer/assets';
export const EXPLORER_OFF_CODE = 'EXPLORER_OFF';

export interface ExplorerEndpoint {
  path: string;
  schema: GraphQLSchema;
  /** The department whose token the endpoint takes (a view); any department at /graphql. */
  department?: string;
}

export interface ExplorerOptions {
  enabled: boolean;
  endpoints: readonly ExplorerEndpoint[];
  /** The folder of built files; bundles on first use by default (see explorer-assets.ts). */
  locateAssets?: () => Promise<string>;
}

// Nothing but this server: GraphiQL and Monaco need inline styles, nothing else is relaxed.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function wantsExplorer(request: Request): boolean {
  return request.query.query === undefined && request.accepts(['application/json', 'text/html']) === 'text/html';
}

/** A first query that works on the endpoint's schema (the finance view has no persons). */
function defaultQuery(endpoint: ExplorerEndpoint): string {
  const fields = endpoint.schema.getQueryType()?.getFields() ?? {};
  const body =
    'persons' in fields
      ? 'query FirstPersons {\n  persons(first: 5) {\n    totalCount\n    edges {\n      node {\n        name\n        county\n      }\n    }\n  }\n}\n'
      : `query Budget {\n  budget(year: ${new Date().getFullYear()}) {\n    year\n    amount\n    lines {\n      county\n    }\n  }\n}\n`;
  const token = `npm run -s token -- --department ${endpoint.department ?? 'HRSS'}`;
  return `# Paste a bearer token above, then press run. A token:\n# ${token}\n${body}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function page(endpoint: ExplorerEndpoint, endpoints: readonly ExplorerEndpoint[]): string {
  const config = {
    title: `pension-aid API explorer — ${endpoint.path}`,
    endpoint: endpoint.path,
    assets: EXPLORER_ASSETS_PATH,
    workers: EXPLORER_WORKERS,
    endpoints: endpoints.map((other) => other.path),
    defaultQuery: defaultQuery(endpoint),
  };
  // JSON inside <script>: "<" escaped so that no value can close the element.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(config.title)}</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="${EXPLORER_ASSETS_PATH}/${EXPLORER_STYLE}">
    <script type="application/json" id="explorer-config">${json}</script>
    <script type="module" src="${EXPLORER_ASSETS_PATH}/${EXPLORER_SCRIPT}"></script>
  </head>
  <body>
    <div id="explorer"></div>
  </body>
</html>
`;
}

export function createExplorerRouter(options: ExplorerOptions): express.Router {
  const router = express.Router();
  const locate = options.locateAssets ?? (() => locateExplorerAssets());
  let assets: Promise<{ directory: string; files: ReadonlySet<string> }> | null = null;
  const loadAssets = () => {
    // Memoised once it succeeds; a failure is retried on the next request.
    assets ??= locate()
      .then((directory) => ({ directory, files: explorerFiles(directory) }))
      .catch((error: unknown) => {
        assets = null;
        throw error;
      });
    return assets;
  };

  for (const endpoint of options.endpoints) {
    router.get(endpoint.path, (request: Request, response: Response, next) => {
      if (!wantsExplorer(request)) return next();
      if (!options.enabled) {
        response.status(404).json({
          error: {
            code: EXPLORER_OFF_CODE,
            message: `The API explorer is off here (production). Send GraphQL as POST ${endpoint.path} with content-type application/json; PA_EXPLORER=on serves the explorer.`,
          },
        });
        return;
      }
      response
        .status(200)
        .set({
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'cache-control': 'no-store',
        })
        .send(page(endpoint, options.endpoints));
    });
  }

  if (options.enabled) {
    router.get(`${EXPLORER_ASSETS_PATH}/:file`, async (request: Request<{ file: string }>, response: Response, next) => {
      let built: Awaited<ReturnType<typeof loadAssets>>;
      try {
        built = await loadAssets();
      } catch (error) {
        response.status(503).json({ error: { code: 'EXPLORER_UNAVAILABLE', message: (error as Error).message } });
        return;
      }
      const file = request.params.file;
      if (!built.files.has(file)) return next();
      // `root`: the cache folder lies under node_modules/.cache, and send refuses dot-folders in the path it is given.
      response.sendFile(file, { root: built.directory, headers: { 'cache-control': 'no-cache' } }, (error) => {
        if (error) next(error);
      });
    });
  }
  return router;
}
