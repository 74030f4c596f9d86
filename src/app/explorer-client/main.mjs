/* global document, localStorage, sessionStorage, fetch, self, Worker */
// The explorer page's code, run in the browser (bundled by src/app/explorer-assets.ts): GraphiQL against
// one endpoint, with a bearer-token field above it. Everything it loads comes from this server.
import { GraphiQL } from 'graphiql';
import { createElement as h, StrictMode, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import './explorer.css';

const config = JSON.parse(document.getElementById('explorer-config').textContent);
const TOKEN_KEY = 'pension-aid:token';

// Monaco's workers, served beside this bundle (GraphiQL's own set-ups load them from esm.sh or need Vite).
self.MonacoEnvironment = {
  getWorker(_workerId, label) {
    const file = config.workers[label] ?? config.workers.editor;
    return new Worker(`${config.assets}/${file}`, { name: `explorer-${label}` });
  },
};

/** GraphiQL's saved tabs, kept apart per endpoint: each view has its own schema. */
function endpointStorage(endpoint) {
  const prefix = `pension-aid:${endpoint}:`;
  const keys = () => Object.keys(localStorage).filter((key) => key.startsWith(prefix));
  return {
    getItem: (key) => localStorage.getItem(prefix + key),
    setItem: (key, value) => localStorage.setItem(prefix + key, value),
    removeItem: (key) => localStorage.removeItem(prefix + key),
    clear: () => keys().forEach((key) => localStorage.removeItem(key)),
    get length() {
      return keys().length;
    },
  };
}

/** POSTs JSON (a non-simple content type, so Apollo's CSRF prevention lets it through) with the token. */
function createFetcher(endpoint, tokenRef) {
  return async (params, options) => {
    const headers = { 'content-type': 'application/json', accept: 'application/json', ...(options?.headers ?? {}) };
    const token = tokenRef.current.trim().replace(/^Bearer\s+/i, '');
    if (token !== '') headers.authorization = `Bearer ${token}`;
    const response = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify(params), credentials: 'omit' });
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 300)}` }] };
    }
  };
}

function Explorer() {
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY) ?? '');
  // Queries read the field as it is now; the schema is fetched again when a token is committed
  // (Enter or leaving the field), since a view answers introspection only with its department's token.
  const tokenRef = useRef(token);
  tokenRef.current = token;
  const [committed, setCommitted] = useState(token);
  const fetcher = useMemo(() => createFetcher(config.endpoint, tokenRef), [committed]);
  const storage = useMemo(() => endpointStorage(config.endpoint), []);
  const commit = () => {
    sessionStorage.setItem(TOKEN_KEY, token);
    setCommitted(token);
  };

  return h(
    'div',
    { className: 'pa-explorer' },
    h(
      'header',
      { className: 'pa-bar' },
      h('strong', { className: 'pa-title' }, config.title),
      h(
        'nav',
        { className: 'pa-views', 'aria-label': 'Endpoints' },
        config.endpoints.map((endpoint) =>
          h('a', { key: endpoint, href: endpoint, 'aria-current': endpoint === config.endpoint ? 'page' : undefined }, endpoint),
        ),
      ),
      h(
        'span',
        { className: 'pa-token-group' },
        h('label', { htmlFor: 'pa-token' }, 'Bearer token'),
        h('input', {
          id: 'pa-token',
          className: 'pa-token',
          type: 'password',
          value: token,
          placeholder: 'a token from: npm run -s token',
          autoComplete: 'off',
          spellCheck: false,
          onChange: (event) => setToken(event.target.value),
          onBlur: commit,
          onKeyDown: (event) => {
            if (event.key === 'Enter') commit();
          },
        }),
      ),
    ),
    h(
      'main',
      { className: 'pa-graphiql' },
      h(GraphiQL, { fetcher, storage, defaultQuery: config.defaultQuery, shouldPersistHeaders: false, isHeadersEditorEnabled: true }),
    ),
  );
}

createRoot(document.getElementById('explorer')).render(h(StrictMode, null, h(Explorer)));
