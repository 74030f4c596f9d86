import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { OPERATIONS_DIR, TrustedDocuments } from '../../src/app/trusted-documents';
import { VIEWS_DIRECTORY } from '../../src/app/schema';
import { DEPARTMENTS, departmentSlug } from '../../src/shared/domain';

// The committed manifests (schema/operations/<slug>.graphql) against the committed department views
// (schema/views/<slug>.graphql): an operation a portal relies on must be valid in its view.

describe('trusted document manifests', () => {
  const documents = TrustedDocuments.load();

  it('should hold one manifest per department view, and nothing else', () => {
    const views = readdirSync(VIEWS_DIRECTORY).filter((file) => file.endsWith('.graphql'));
    expect(readdirSync(OPERATIONS_DIR).sort()).toEqual(views.sort());
    for (const department of DEPARTMENTS) {
      expect(documents.operations.filter((operation) => operation.department === department).length, department).toBeGreaterThan(0);
    }
  });

  it("should validate every manifest operation against its department's view schema", () => {
    for (const department of DEPARTMENTS) {
      const slug = departmentSlug(department);
      const view = buildSchema(readFileSync(path.join(VIEWS_DIRECTORY, `${slug}.graphql`), 'utf8'));
      for (const operation of documents.operations.filter((candidate) => candidate.department === department)) {
        const errors = validate(view, parse(operation.body));
        expect(
          errors.map((error) => error.message),
          `${slug}: ${operation.name}`,
        ).toEqual([]);
      }
    }
  });

  it('should name every operation after its portal and give each a unique id', () => {
    const ids = new Set(documents.operations.map((operation) => operation.id));
    expect(ids.size).toBe(documents.operations.length);
    for (const operation of documents.operations) {
      const prefix = departmentSlug(operation.department).replace(/(^|-)(\w)/g, (_match, _dash: string, letter: string) =>
        letter.toUpperCase(),
      );
      expect(operation.name.startsWith(prefix), operation.name).toBe(true);
      expect(operation.id).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('should accept a manifest text however it is spaced, and refuse any change to it', () => {
    const operation = documents.operations.find((candidate) => candidate.name === 'TaxEligibility')!;
    const respaced = operation.body.replace(/\s+/g, ' ');
    expect(documents.allows('TAX', respaced, parse(respaced))).toBe(true);
    const changed = operation.body.replace('amount', 'amount year');
    expect(documents.allows('TAX', changed, parse(changed))).toBe(false);
    expect(documents.allows('HRSS', operation.body, parse(operation.body))).toBe(false);
    expect(documents.find(`sha256:${operation.id}`)?.name).toBe('TaxEligibility');
  });
});
