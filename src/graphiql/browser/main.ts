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
import { EXAMPLE_TABS } from '../example-queries.js';
import './page.css';
import 'graphiql/style.css';

interface BrowserGlobals {
  readonly document: { getElementById(id: string): unknown };
  readonly location: { readonly pathname: string };
  readonly localStorage: { getItem(key: string): string | null };
}

const browser = globalThis as unknown as BrowserGlobals;

/** The page is served at the GraphQL endpoint itself, so queries go to the page's own path. */
const endpoint = browser.location.pathname;

async function fetcher(params: unknown): Promise<unknown> {
  const response = await fetch(endpoint, {
    method: 'POST',
    // A JSON content type is what Apollo's CSRF prevention requires of browser requests.
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
    },
    body: JSON.stringify(params),
    credentials: 'same-origin',
  });
  return response.json();
}

const tabs = EXAMPLE_TABS.map((tab) => ({
  query: tab.query,
  variables: JSON.stringify(tab.variables, null, 2),
}));

/**
 * GraphiQL 4 opens the first of `defaultTabs` with its query but an empty variables editor; handing
 * the first tab's variables over as `variables` fills it. Only on a first visit: once GraphiQL has
 * stored tabs (under its `graphiql:` storage namespace), a `variables` prop would replace what the
 * user typed since.
 */
const firstVisit = browser.localStorage.getItem('graphiql:tabState') === null;

const container = browser.document.getElementById('graphiql');
if (container === null) throw new Error('GraphiQL: the page has no #graphiql element');

createRoot(container as Parameters<typeof createRoot>[0]).render(
  createElement(GraphiQL, {
    fetcher,
    defaultTabs: tabs,
    ...(firstVisit ? { variables: tabs[0]?.variables } : {}),
    defaultEditorToolsVisibility: 'variables',
  }),
);
