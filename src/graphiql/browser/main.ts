/**
 * Browser entry of the GraphiQL page, bundled by `scripts/build-graphiql.ts` into
 * `dist/graphiql-assets/` at build time. Nothing is fetched from a CDN: the service is meant to run
 * air-gapped, and the page's Content-Security-Policy allows only its own origin anyway.
 *
 * Written with `createElement` rather than JSX so the project's tsconfig (Node, no DOM lib, no JSX)
 * type-checks it like any other file; the few DOM objects it touches are typed locally below.
 */
import { GraphiQL } from 'graphiql';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import type { ExampleTab } from '../example-queries.js';
import { reconcileOperationName } from '../operation-name.js';
import { EXAMPLES_FILE } from '../page.js';
import './page.css';
import 'graphiql/style.css';

/** The parts of `Storage` GraphiQL uses. */
interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  readonly length: number;
  key(index: number): string | null;
}

interface BrowserGlobals {
  readonly document: { getElementById(id: string): unknown };
  readonly location: { readonly pathname: string };
  readonly localStorage: KeyValueStorage;
}

const browser = globalThis as unknown as BrowserGlobals;

/** The page is served at the GraphQL endpoint itself, so queries go to the page's own path. */
const endpoint = browser.location.pathname;

interface FetcherParams {
  readonly query: string;
  readonly operationName?: string | null;
  readonly variables?: unknown;
}

async function fetcher(params: FetcherParams): Promise<unknown> {
  // See operation-name.ts: right after a tab switch GraphiQL may still hold the previous tab's name.
  const body = { ...params, operationName: reconcileOperationName(params.query, params.operationName) };
  const response = await fetch(endpoint, {
    method: 'POST',
    // A JSON content type is what Apollo's CSRF prevention requires of browser requests.
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
    },
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
  return response.json();
}

/**
 * GraphiQL's storage, kept under a prefix per example set: GraphiQL restores its stored tabs in
 * preference to `defaultTabs`, so without this a second demo run (new digests) or an upgraded service
 * would reopen tabs naming images that are gone. `length` and `clear` count only this set's keys.
 */
function storageFor(setId: string): KeyValueStorage & { clear(): void } {
  const local = browser.localStorage;
  const prefix = `imprimatur:${setId}:`;
  const keys = () => {
    const found: string[] = [];
    for (let i = 0; i < local.length; i++) {
      const key = local.key(i);
      if (key?.startsWith(prefix) === true) found.push(key);
    }
    return found;
  };
  return {
    getItem: (key) => local.getItem(prefix + key),
    setItem: (key, value) => local.setItem(prefix + key, value),
    removeItem: (key) => local.removeItem(prefix + key),
    key: (index) => keys()[index]?.slice(prefix.length) ?? null,
    get length() {
      return keys().length;
    },
    clear: () => keys().forEach((key) => local.removeItem(key)),
  };
}

async function main(): Promise<void> {
  const container = browser.document.getElementById('graphiql') as { textContent: string } | null;
  if (container === null) throw new Error('GraphiQL: the page has no #graphiql element');
  // Relative, like the bundle's own URL: the page works behind a proxy that adds a path prefix.
  const response = await fetch(`graphiql/${EXAMPLES_FILE}`, { credentials: 'same-origin' });
  if (!response.ok) {
    container.textContent = `GraphiQL could not load its example tabs (HTTP ${response.status}).`;
    return;
  }
  const examples = (await response.json()) as { id: string; tabs: ExampleTab[] };
  const storage = storageFor(examples.id);
  const tabs = examples.tabs.map((tab) => ({
    query: tab.query,
    variables: JSON.stringify(tab.variables, null, 2),
  }));
  /**
   * GraphiQL 4 opens the first of `defaultTabs` with its query but an empty variables editor; handing
   * the first tab's variables over as `variables` fills it. Only on a first visit: once GraphiQL has
   * stored tabs, a `variables` prop would replace what the user typed since.
   */
  const firstVisit = storage.getItem('graphiql:tabState') === null;
  createRoot(container as unknown as Parameters<typeof createRoot>[0]).render(
    createElement(GraphiQL, {
      fetcher: fetcher as Parameters<typeof GraphiQL>[0]['fetcher'],
      storage: storage as unknown as Parameters<typeof GraphiQL>[0]['storage'],
      defaultTabs: tabs,
      ...(firstVisit ? { variables: tabs[0]?.variables } : {}),
      defaultEditorToolsVisibility: 'variables',
    }),
  );
}

main().catch((error: unknown) => {
  const container = browser.document.getElementById('graphiql') as { textContent: string } | null;
  if (container !== null) container.textContent = `GraphiQL could not start: ${String(error)}`;
});
