import 'reflect-metadata';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { departmentViews } from '../modules/access/schema-view';
import { buildBaseSchema, printSdl, SCHEMA_FILE, viewFile, viewTitle, VIEWS_DIRECTORY } from '../app/schema';
import { printSubgraphSdl, subgraphDefinitions, SUBGRAPHS_DIRECTORY } from '../app/subgraph';

// Writes schema/schema.graphql, one view per department (schema/views/<slug>.graphql) and the
// Federation subgraphs (schema/subgraphs/pension-aid.graphql and <slug>.graphql) from the code. CI
// fails when a committed file differs.
async function main(): Promise<void> {
  const schema = await buildBaseSchema();
  writeFileSync(SCHEMA_FILE, printSdl(schema));
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
  mkdirSync(VIEWS_DIRECTORY, { recursive: true });
  const views = departmentViews(schema);
  const expected = new Set(views.map((view) => path.basename(viewFile(view.slug))));
  for (const stale of readdirSync(VIEWS_DIRECTORY).filter((name) => name.endsWith('.graphql') && !expected.has(name))) {
    rmSync(path.join(VIEWS_DIRECTORY, stale));
  }
  for (const view of views) {
    writeFileSync(viewFile(view.slug), printSdl(view.schema, viewTitle(view.department, view.slug)));
    process.stdout.write(`wrote ${viewFile(view.slug)}\n`);
  }
  mkdirSync(SUBGRAPHS_DIRECTORY, { recursive: true });
  const subgraphs = subgraphDefinitions(schema, { scopes: true });
  const expectedSubgraphs = new Set(subgraphs.map((subgraph) => path.basename(subgraph.file)));
  for (const stale of readdirSync(SUBGRAPHS_DIRECTORY).filter((name) => name.endsWith('.graphql') && !expectedSubgraphs.has(name))) {
    rmSync(path.join(SUBGRAPHS_DIRECTORY, stale));
  }
  for (const subgraph of subgraphs) {
    writeFileSync(subgraph.file, printSubgraphSdl(subgraph.typeDefs, subgraph.title));
    process.stdout.write(`wrote ${subgraph.file}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
