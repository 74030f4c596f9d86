import { isInputObjectType, isObjectType, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishImportJob, insertImportJob } from '../../src/modules/jobs/import-jobs.queries';
import { VIEWER_KINDS } from '../../src/app/shield';
import { INPUT_PERMISSIONS, PERMISSIONS } from '../../src/modules/access/permission-table';
import type { Viewer } from '../../src/shared/auth';
import type { Department } from '../../src/shared/domain';
import { insertPerson } from '../factories/person.factory';
import {
  buildOperation,
  fieldPath,
  fieldSelection,
  findPath,
  granted,
  objectsAt,
  sampleImportJobId,
  type SampleContext,
} from '../support/query-generator';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app';

// DESIGN.md §4 checked over HTTP for every department at city and county level and every field and
// operation that is both in the schema and in the permission table. Queries are generated from the
// schema. The observed matrix is compared with the table and with a committed snapshot, so changing a
// grant (or adding a field) without updating the snapshot fails here. Every probe sent to /graphql is
// also sent through a real @apollo/gateway (pension-aid's /subgraph composed with a household
// subgraph) and must come back with the same rows, fields, nulls and FORBIDDENs.
//   Y  granted, read without FORBIDDEN         -  refused with FORBIDDEN at that path
//   x  refused: no granted path leads there    y  granted, but no granted path leads there

const COUNTY = '530102';
const YEAR = 2024;

type Cell = 'Y' | '-' | 'x' | 'y';

function viewerOf(kind: string): Viewer {
  const [department, level] = kind.split(':') as [Department, string];
  return { subject: `matrix-${kind}`, department, county: level === 'city' ? null : COUNTY };
}

/** What must agree between /graphql and the gateway: the data, and each error's path and code. */
function outcome(result: GraphQLResponse, operation: 'query' | 'mutation') {
  const errors = (result.errors ?? []).map((error) => `${fieldPath(error.path)} ${error.extensions?.code}`).sort();
  // A mutation probe runs twice (direct, then through the gateway): its counts may differ, its shape may not.
  return { data: operation === 'query' ? result.data : shapeOf(result.data), errors };
}

function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shapeOf(item)]));
  return value === null ? null : typeof value;
}

function isForbiddenAt(result: GraphQLResponse, path: string): boolean {
  return (result.errors ?? []).some((error) => fieldPath(error.path) === path && error.extensions?.code === 'FORBIDDEN');
}

describe('access matrix generated from the permission table', () => {
  let app: TestApp;
  let gateway: TestGateway;
  let gatewayProbes = 0;
  let idNumber: string;
  const cells = new Map<string, Map<string, Cell>>();
  const problems: string[] = [];

  const tableFields = (type: GraphQLObjectType) =>
    (Object.values(type.getFields()) as Array<GraphQLField<unknown, unknown>>).filter(
      (field) => PERMISSIONS[type.name]?.[field.name] !== undefined,
    );

  /** Sends a probe to /graphql and through the gateway; records any difference; returns the direct answer. */
  async function probe(operationText: string, token: string, operation: 'query' | 'mutation'): Promise<GraphQLResponse> {
    const direct = await app.graphql(operationText, {}, token);
    const viaGateway = await gateway.graphql(operationText, {}, token);
    gatewayProbes++;
    const expected = JSON.stringify(outcome(direct, operation));
    const actual = JSON.stringify(outcome(viaGateway, operation));
    if (actual !== expected) problems.push(`gateway answered ${operationText} with ${actual}, /graphql with ${expected}`);
    return direct;
  }

  const setCell = (type: string, field: string, kind: string, cell: Cell) => {
    const key = `${type}.${field}`;
    if (!cells.has(key)) cells.set(key, new Map());
    cells.get(key)!.set(kind, cell);
  };

  async function checkRootField(
    operation: 'query' | 'mutation',
    root: GraphQLObjectType,
    field: GraphQLField<unknown, unknown>,
    kind: string,
    context: SampleContext,
  ) {
    const token = app.token(context.viewer.department, context.viewer.county, context.viewer.subject);
    const result = await probe(`${operation} { ${fieldSelection(field, context)} }`, token, operation);
    const allowed = granted(PERMISSIONS, root.name, field.name, context.viewer);
    const forbidden = isForbiddenAt(result, field.name);
    setCell(root.name, field.name, kind, allowed ? 'Y' : '-');
    if (allowed && forbidden) problems.push(`${kind}: ${root.name}.${field.name} is granted but answered FORBIDDEN`);
    // A granted query must also run (a mutation may refuse its sample input with BAD_USER_INPUT).
    if (allowed && operation === 'query' && (result.data === null || result.data === undefined || !(field.name in result.data))) {
      problems.push(`${kind}: ${root.name}.${field.name} is granted but did not run: ${JSON.stringify(result.errors)}`);
    }
    if (!allowed && !forbidden)
      problems.push(
        `${kind}: ${root.name}.${field.name} is not granted but was not FORBIDDEN: ${JSON.stringify(result.errors ?? result.data)}`,
      );
  }

  async function checkObjectType(type: GraphQLObjectType, kind: string, context: SampleContext, operation: 'query' | 'mutation') {
    const fields = tableFields(type);
    const path = findPath(app.server.schema, PERMISSIONS, type.name, context);
    if (path === null || path.operation !== operation) {
      if (path === null && operation === 'query') {
        for (const field of fields)
          setCell(type.name, field.name, kind, granted(PERMISSIONS, type.name, field.name, context.viewer) ? 'y' : 'x');
      }
      return;
    }
    const token = app.token(context.viewer.department, context.viewer.county, context.viewer.subject);
    const prefix = path.steps.map((step) => step.field).join('.');
    const allowed = fields.filter((field) => granted(PERMISSIONS, type.name, field.name, context.viewer));
    if (allowed.length > 0) {
      const operationText = buildOperation(path, allowed.map((field) => fieldSelection(field, context)).join(' '));
      const result = await probe(operationText, token, operation);
      // The department's own view must answer the same granted selection identically.
      const view = app.server.views.find((candidate) => candidate.department === context.viewer.department);
      if (view && operation === 'query') {
        const viaView = await app.graphql(operationText, {}, token, `/graphql/${view.slug}`);
        if (JSON.stringify(viaView.data) !== JSON.stringify(result.data))
          problems.push(
            `${kind}: /graphql/${view.slug} answered ${type.name} differently: ${JSON.stringify(viaView.errors ?? viaView.data)}`,
          );
      }
      const objects = objectsAt(result.data, path.steps);
      for (const field of allowed) {
        setCell(type.name, field.name, kind, 'Y');
        if (isForbiddenAt(result, `${prefix}.${field.name}`))
          problems.push(`${kind}: ${type.name}.${field.name} is granted but answered FORBIDDEN`);
        else if (!objects.some((object) => field.name in object)) {
          problems.push(
            `${kind}: ${type.name}.${field.name} is granted but the seed data did not reach it via ${prefix}: ${JSON.stringify(result.errors ?? result.data)}`,
          );
        }
      }
    }
    for (const field of fields.filter((candidate) => !allowed.includes(candidate))) {
      setCell(type.name, field.name, kind, '-');
      // One request per refused field: a refused non-null field nulls its parent and hides its siblings' errors.
      const result = await probe(buildOperation(path, fieldSelection(field, context)), token, operation);
      if (!isForbiddenAt(result, `${prefix}.${field.name}`)) {
        problems.push(
          `${kind}: ${type.name}.${field.name} is not granted but was not FORBIDDEN at ${prefix}.${field.name}: ${JSON.stringify(result.errors ?? result.data)}`,
        );
      }
    }
  }

  beforeAll(async () => {
    app = await startTestApp({ now: new Date(`${YEAR}-06-15T04:00:00Z`), audit: { flushIntervalMs: 600_000 } });
    // One person every person-reading department sees, at city level and in COUNTY, with every nested list filled.
    idNumber = (
      await insertPerson(app.db, {
        name: '样本',
        birthDate: '1980-05-17',
        disabilityLevel: 3,
        pensionStatus: 'CONTRIBUTING',
        entries: [
          { category: 'DIBAO', county: COUNTY, recognizedOn: '2020-01-01' },
          { category: 'RETURNED_POVERTY', county: COUNTY, recognizedOn: '2021-01-01' },
        ],
        payments: [{ year: YEAR, paidOn: `${YEAR}-03-01` }],
      })
    ).idNumber;
    await insertPerson(app.db, { name: '另一人', entries: [{ category: 'TEKUN', county: '530181' }] });
    // Recognised between the sample comparison dates (2024-01-01 .. 2024-06-30), one per department's roster;
    // the DIBAO one is also CIVIL_AFFAIRS's budget line in COUNTY (the sample person counts as RETURNED_POVERTY).
    await insertPerson(app.db, { name: '新低保', entries: [{ category: 'DIBAO', county: COUNTY, recognizedOn: `${YEAR}-03-01` }] });
    await insertPerson(app.db, {
      name: '新返贫',
      entries: [{ category: 'RETURNED_POVERTY', county: COUNTY, recognizedOn: `${YEAR}-03-01` }],
    });
    // importJob(id): one finished job with a problem per department, submitted in COUNTY (sampleImportJobId).
    for (const department of ['HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION', 'TAX'] as const) {
      const id = sampleImportJobId(department);
      await insertImportJob(app.db, {
        id,
        kind: 'roster',
        submittedBy: 'matrix',
        department,
        submitterCounty: COUNTY,
        fields: {},
        filename: 'sample.csv',
        bytes: 10,
        sha256: '0'.repeat(64),
      });
      const problems = [{ row: 2, field: 'idNumber', message: 'sample problem' }];
      await finishImportJob(app.db, id, {
        state: 'FAILED',
        httpStatus: 400,
        result: { code: 'BAD_USER_INPUT', problems },
        progress: { phase: 'FAILED', rowsRead: 1, bytesRead: 10, problemCount: 1, problems },
      });
    }
    // The audit log needs an event for AuditEvent's fields to resolve.
    await app.graphql('{ persons { edges { node { name } } } }', {}, app.token('HRSS'));
    await app.server.audit.flush();
    gateway = await startTestGateway(app);
  });

  afterAll(async () => {
    await gateway?.close();
    await app.close();
  });

  it('should have a permission-table entry for every object field of the schema (deny by default needs an explicit decision)', () => {
    const missing: string[] = [];
    for (const type of Object.values(app.server.schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.keys(type.getFields())) if (!PERMISSIONS[type.name]?.[field]) missing.push(`${type.name}.${field}`);
    }
    expect(missing).toEqual([]);
  });

  it('should name only existing types and fields in the permission tables (no stale or misspelt grants)', () => {
    const schema = app.server.schema;
    const stale: string[] = [];
    for (const [typeName, fields] of Object.entries(PERMISSIONS)) {
      const type = schema.getType(typeName);
      for (const field of Object.keys(fields))
        if (!type || !isObjectType(type) || !type.getFields()[field]) stale.push(`${typeName}.${field}`);
    }
    for (const [owner, fields] of Object.entries(INPUT_PERMISSIONS)) {
      const [typeName, fieldName] = owner.split('.') as [string, string | undefined];
      const type = schema.getType(typeName);
      for (const name of Object.keys(fields)) {
        const exists =
          fieldName === undefined
            ? type !== undefined && isInputObjectType(type) && type.getFields()[name] !== undefined
            : type !== undefined &&
              isObjectType(type) &&
              type.getFields()[fieldName]?.args.some((argument) => argument.name === name) === true;
        if (!exists) stale.push(`${owner}.${name}`);
      }
    }
    expect(stale).toEqual([]);
  });

  it('should allow exactly the granted fields and operations, and refuse the others with FORBIDDEN, for every department and level', async () => {
    const schema = app.server.schema;
    const types = Object.values(schema.getTypeMap()).filter(
      (type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('__'),
    );
    const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name]);
    // Queries first for every viewer; mutations (which change data) after.
    for (const operation of ['query', 'mutation'] as const) {
      const root = operation === 'query' ? schema.getQueryType() : schema.getMutationType();
      for (const kind of VIEWER_KINDS) {
        const context: SampleContext = { viewer: viewerOf(kind), idNumber, year: YEAR };
        if (root) for (const field of tableFields(root)) await checkRootField(operation, root, field, kind, context);
        for (const type of types.filter((candidate) => !roots.has(candidate.name))) await checkObjectType(type, kind, context, operation);
      }
    }
    expect(problems).toEqual([]);
    expect(gatewayProbes).toBeGreaterThan(300);
    process.stdout.write(`access matrix: ${gatewayProbes} probes answered alike by /graphql and the gateway\n`);

    const header = `| field | ${VIEWER_KINDS.join(' | ')} |\n|---|${VIEWER_KINDS.map(() => ':-:').join('|')}|\n`;
    const rows = [...cells.entries()]
      .sort(([left], [right]) => left.localeCompare(right))
      .map(([field, byKind]) => `| ${field} | ${VIEWER_KINDS.map((kind) => byKind.get(kind) ?? '?').join(' | ')} |`);
    const legend =
      '<!-- Y granted and read; - FORBIDDEN; x refused, no granted path; y granted, no granted path. Generated by access-matrix.test.ts (vitest -u to update). -->\n';
    await expect(`${legend}${header}${rows.join('\n')}\n`).toMatchFileSnapshot('./__snapshots__/access-matrix.md');
  });
});
