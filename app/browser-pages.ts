import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';

/** Where scripts/build-ui.mjs writes the bundled pages. */
const PUBLIC_DIR = path.join(__dirname, '..', 'public');

const SCRIPT = 'text/javascript; charset=utf-8';
const STYLE = 'text/css; charset=utf-8';
const ASSETS: Record<string, { file: string; contentType: string }> = {
  '/ui/graphiql.js': { file: 'graphiql/graphiql.js', contentType: SCRIPT },
  '/ui/graphiql.css': { file: 'graphiql/graphiql.css', contentType: STYLE },
  '/ui/workbench.js': { file: 'workbench/workbench.js', contentType: SCRIPT },
  '/ui/workbench.css': { file: 'workbench/workbench.css', contentType: STYLE },
};

/** A page: one bundled script and its stylesheet, nothing from the internet (the content security policy says so). */
function pageOf(name: 'graphiql' | 'workbench', title: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    <link rel="stylesheet" href="/ui/${name}.css" />
    <style>html, body, #${name} { height: 100%; margin: 0; }</style>
  </head>
  <body>
    <div id="${name}">Loading… (if this stays, run <code>npm run build:ui</code>)</div>
    <script src="/ui/${name}.js"></script>
  </body>
</html>
`;
}

const PAGES = {
  graphiql: pageOf('graphiql', 'Plantgate GraphQL IDE'),
  workbench: pageOf('workbench', 'Plantgate workbench'),
};

const SELF_ONLY =
  "default-src 'self'; img-src 'self' data:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'";

/**
 * The browser pages: the GraphQL IDE at GET /graphql (HTML), the workbench at /workbench, and their bundled assets
 * under /ui/. Public, like any page: every operation they send is authenticated as usual, as the signed-in user.
 * Assets are read once, when first asked for.
 */
export function createBrowserPages(publicDir: string = PUBLIC_DIR) {
  const cache = new Map<string, Buffer | null>();
  const read = (file: string) => {
    if (!cache.has(file)) {
      const full = path.join(publicDir, file);
      cache.set(file, fs.existsSync(full) ? fs.readFileSync(full) : null);
    }
    return cache.get(file)!;
  };
  return {
    /** Answers a page. */
    page(name: keyof typeof PAGES, res: http.ServerResponse) {
      res.statusCode = 200;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.setHeader('content-security-policy', SELF_ONLY);
      res.end(PAGES[name]);
    },
    /** Answers one of the pages' assets; false when the path is none of them. */
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
