import type { RequestHandler, Router } from 'express';

// A request to /graphql went through every router mounted before it (file routes, the explorer), each
// matching its routes' paths against it in vain (issue 11: Express's router was ~7% of a request). A router whose
// layers are all routes is entered only by a request whose first path segment and method one of them has.

function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return (end === -1 ? path : path.slice(0, end)).toLowerCase();
}

interface RouteLayer {
  route?: { path?: unknown; methods?: Record<string, boolean> };
}

export function routedOnly(router: Router): RequestHandler {
  // First path segment → the methods its routes answer.
  const segments = new Map<string, Set<string>>();
  for (const layer of router.stack as RouteLayer[]) {
    const path = layer.route?.path;
    // Middleware, a pattern or an array of paths: no shortcut, the router sees every request.
    if (typeof path !== 'string' || !layer.route?.methods) return router;
    const segment = firstSegment(path);
    const methods = segments.get(segment) ?? new Set<string>();
    segments.set(segment, methods);
    for (const [method, routed] of Object.entries(layer.route.methods)) if (routed) methods.add(method);
  }
  const routes = (path: string, method: string) => {
    const methods = segments.get(firstSegment(path));
    return methods !== undefined && (methods.has('_all') || methods.has(method) || (method === 'head' && methods.has('get')));
  };
  const handler: RequestHandler = (request, response, next) => {
    if (routes(request.path, request.method.toLowerCase())) return router(request, response, next);
    next();
  };
  // The 404/405 handler reads the routes of mounted routers (json-errors.ts methodsFor): they stay visible.
  return Object.assign(handler, { stack: router.stack });
}
