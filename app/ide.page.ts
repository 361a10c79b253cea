import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';

/** Where scripts/build-ui.mjs writes the bundled pages. */
const PUBLIC_DIR = path.join(__dirname, '..', 'public');

const ASSETS: Record<string, { file: string; contentType: string }> = {
  '/ui/graphiql.js': { file: 'graphiql/graphiql.js', contentType: 'text/javascript; charset=utf-8' },
  '/ui/graphiql.css': { file: 'graphiql/graphiql.css', contentType: 'text/css; charset=utf-8' },
};

/** The page: the bundled GraphiQL, nothing from the internet (the content security policy says so to the browser). */
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Plantgate GraphQL IDE</title>
    <link rel="stylesheet" href="/ui/graphiql.css" />
    <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
  </head>
  <body>
    <div id="graphiql">Loading the GraphQL IDE… (if this stays, run <code>npm run build:ui</code>)</div>
    <script src="/ui/graphiql.js"></script>
  </body>
</html>
`;

const SELF_ONLY =
  "default-src 'self'; img-src 'self' data:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'";

/**
 * The GraphQL IDE for browsers: the page at GET /graphql (HTML) and its bundled assets under /ui/. Public, like any
 * page: every operation it sends is authenticated as usual. Assets are read once, when first asked for.
 */
export function createIdePages(publicDir: string = PUBLIC_DIR) {
  const cache = new Map<string, Buffer | null>();
  const read = (file: string) => {
    if (!cache.has(file)) {
      const full = path.join(publicDir, file);
      cache.set(file, fs.existsSync(full) ? fs.readFileSync(full) : null);
    }
    return cache.get(file)!;
  };
  return {
    /** Answers the IDE's page. */
    page(res: http.ServerResponse) {
      res.statusCode = 200;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.setHeader('content-security-policy', SELF_ONLY);
      res.end(PAGE);
    },
    /** Answers one of the IDE's assets; false when the path is none of them. */
    asset(pathname: string, res: http.ServerResponse): boolean {
      const asset = ASSETS[pathname];
      if (!asset) return false;
      const body = read(asset.file);
      if (!body) {
        res.statusCode = 404;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end(`${pathname} is not built: run npm run build:ui`);
        return true;
      }
      res.statusCode = 200;
      res.setHeader('content-type', asset.contentType);
      res.setHeader('cache-control', 'public, max-age=3600');
      res.end(body);
      return true;
    },
  };
}
