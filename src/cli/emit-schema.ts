import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { buildBaseSchema, printSdl, SCHEMA_FILE } from '../app/schema';

// Writes schema/schema.graphql from the code. CI fails when the committed file differs.
async function main(): Promise<void> {
  const schema = await buildBaseSchema();
  writeFileSync(SCHEMA_FILE, printSdl(schema));
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
