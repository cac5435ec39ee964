/**
 * The layers of src/, each importing only those below it (docs/architecture.md):
 * domain → store, ruleset, runtime → projections → app → audit → api → cli and main.
 * Type-only imports count too: a cycle of types is still a cycle of ideas.
 */
const layer = (name, path, mayNotImport) => ({
  name: `${name}-imports-downward`,
  severity: 'error',
  comment: `${name} may not import ${mayNotImport.join(', ')}`,
  from: { path },
  to: { path: `^src/(${mayNotImport.join('|')})/` },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    layer('domain', '^src/domain/', ['store', 'ruleset', 'runtime', 'projections', 'app', 'audit', 'api', 'cli']),
    layer('store', '^src/store/', ['ruleset', 'runtime', 'projections', 'app', 'audit', 'api', 'cli']),
    layer('ruleset', '^src/ruleset/', ['runtime', 'projections', 'app', 'audit', 'api', 'cli']),
    layer('runtime', '^src/runtime/', ['store', 'ruleset', 'projections', 'app', 'audit', 'api', 'cli']),
    layer('projections', '^src/projections/', ['app', 'audit', 'api', 'cli']),
    layer('app', '^src/app/', ['audit', 'api', 'cli']),
    layer('audit', '^src/audit/', ['api', 'cli']),
    layer('api', '^src/api/', ['cli']),
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'the domain does no I/O: time, ids and rules come in as arguments',
      from: { path: '^src/domain/' },
      to: { path: '^(node:)?(fs|fs/promises|net|http|child_process|worker_threads)$|better-sqlite3|fastify|@eventstore|pino', dependencyTypes: ['core', 'npm'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
