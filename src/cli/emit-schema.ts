import 'reflect-metadata';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { departmentViews } from '../modules/access/schema-view';
import { buildBaseSchema, printSdl, SCHEMA_FILE, viewFile, viewTitle, VIEWS_DIRECTORY } from '../app/schema';

// Writes schema/schema.graphql and one view per department (schema/views/<slug>.graphql) from the
// code. CI fails when a committed file differs.
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
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
