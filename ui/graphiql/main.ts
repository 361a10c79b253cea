import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

/**
 * The GraphQL IDE, served by Plantgate from its own bundle (no CDN): it talks to this gateway's /graphql with the
 * headers the user gives it (an API key or a bearer token, `Authorization: Bearer …`), so it can do nothing the API
 * would not let that user do.
 */
const fetcher = createGraphiQLFetcher({ url: `${window.location.origin}/graphql` });
const root = document.getElementById('graphiql');
if (root) {
  createRoot(root).render(
    createElement(GraphiQL, {
      fetcher,
      defaultQuery:
        '# Who am I, and what may I do?\n{\n  whoami {\n    id\n    name\n    kind\n    roles\n    plants\n  }\n}\n',
      defaultEditorToolsVisibility: 'headers',
      defaultHeaders: '{}',
    }),
  );
}
