// Bundles the browser pages Plantgate serves (the GraphQL IDE, the workbench) from the project's own dependencies into public/,
// so that nothing is loaded from the internet. Runs as part of `npm ci` (prepare), `npm start` and `npm test`.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
await build({
  entryPoints: {
    'graphiql/graphiql': path.join(root, 'ui/graphiql/main.ts'),
    'workbench/workbench': path.join(root, 'ui/workbench/main.tsx'),
  },
  outdir: path.join(root, 'public'),
  jsx: 'automatic',
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file' },
  logLevel: 'warning',
});
