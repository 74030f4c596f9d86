// Dependencies point one way (STYLE.md habit 11): composition (src/app, src/main.ts, src/cli) → modules →
// shared; infrastructure is plumbing that knows no module. `npm run lint` runs this with zero tolerance.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle means two files cannot be understood (or changed) one without the other.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'nothing-imports-composition',
      severity: 'error',
      comment: 'src/app wires everything; only main.ts, the command-line tools (and tests, benches) may import it.',
      from: { path: '^src/(modules|shared|infrastructure|config)/' },
      to: { path: '^src/app/' },
    },
    {
      name: 'shared-imports-only-shared',
      severity: 'error',
      comment: 'shared/ is the vocabulary every module may use; it knows no module, no infrastructure.',
      from: { path: '^src/shared/' },
      to: { path: '^src/(modules|infrastructure|app|cli|config)/' },
    },
    {
      name: 'infrastructure-knows-no-module',
      severity: 'error',
      comment: 'Database, HTTP and logging plumbing serve every module and depend on none.',
      from: { path: '^src/infrastructure/' },
      to: { path: '^src/(modules|app|cli)/' },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'A domain/ folder holds rules as pure functions: no ORM, GraphQL, HTTP, database or I/O.',
      from: { path: '^src/modules/[^/]+/domain/' },
      to: {
        pathNot: ['^src/shared/(?!graphql/)', '^src/modules/[^/]+/domain/'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|migrations)/' },
    moduleSystems: ['cjs', 'es6'],
  },
};
