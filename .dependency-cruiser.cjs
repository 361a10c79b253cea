/**
 * Import rules: imports point inward. core/ is the domain and imports nothing outside itself
 * (no other layer; of npm packages only zod, which is pure validation with no I/O, so that a message type's
 * input shape lives in its slice; node:crypto is the only platform module it uses, for digests and IDs).
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Import cycles make start-up order and tests fragile.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'core/ imports only core/ (and node:crypto, zod).',
      from: { path: '^core/' },
      to: { pathNot: ['^core/', '^crypto$', '^node:crypto$', 'node_modules/zod/'] },
    },
    {
      name: 'graphql-only-at-the-gateway',
      severity: 'error',
      comment:
        'GraphQL is an edge: only app/ (the gateway) and resolvers/ know it; the domain, workers and adapters throw domain errors.',
      from: { pathNot: '^(app|resolvers|test|bench|ui)/' },
      to: { path: 'node_modules/(graphql|@apollo|@graphql-tools)/' },
    },
    {
      name: 'browser-pages-are-api-clients',
      severity: 'error',
      comment:
        'The browser pages talk only to the public GraphQL API: they may share core vocabulary, never the server side.',
      from: { path: '^ui/' },
      to: { path: '^(app|resolvers|store|messaging|connectors|monitoring|simulators)/' },
    },
    {
      name: 'worker-does-not-know-the-gateway',
      severity: 'error',
      comment: 'The worker re-submits through the core submission service, never through the GraphQL layer.',
      from: { path: '^app/(worker|hold\\.sweeper)\\.ts$' },
      to: { path: '^(resolvers/|app/(gateway|apollo|http\\.server)\\.ts$)' },
    },
    {
      name: 'only-app-composes',
      severity: 'error',
      comment: 'Only app/ chooses and builds adapters; nothing below it imports app/.',
      from: { path: '^(core|store|messaging|resolvers|connectors|monitoring|simulators)/' },
      to: { path: '^app/' },
    },
    {
      name: 'adapters-do-not-know-each-other',
      severity: 'error',
      comment: 'Store adapters, messaging and resolvers meet only through core ports and app/.',
      from: { path: '^store/' },
      to: { path: '^(messaging|resolvers|connectors|monitoring)/' },
    },
    {
      name: 'prom-client-only-in-monitoring',
      severity: 'error',
      comment: 'monitoring/ is the only importer of prom-client.',
      from: { pathNot: '^monitoring/' },
      to: { path: 'node_modules/prom-client' },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      from: { pathNot: '^(test|bench)/' },
      to: { path: '^test/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'node', 'default', 'types'] },
  },
};
