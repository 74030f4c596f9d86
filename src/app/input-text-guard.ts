import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode, type ValueNode } from 'graphql';
import type { Problem } from '../shared/errors';
import { controlCharacterMessage, findControlCharacter } from '../shared/text';
import type { RequestContext } from './context';
import { noteRefusal, observationOfContext } from './observability';

// Before any resolver runs: every string an operation's arguments carry (inline or through variables,
// at any depth) is checked for control characters. One is a BAD_USER_INPUT naming the argument path
// (a list position becomes the problem's row), so nothing is written and PostgreSQL never sees a NUL.

interface Location {
  field: string[];
  row: number | null;
}

function problemAt(at: Location, codePoint: string): Problem {
  return { row: at.row, field: at.field.join('.'), message: controlCharacterMessage(codePoint) };
}

function checkValue(value: unknown, at: Location, problems: Problem[]): void {
  if (typeof value === 'string') {
    const codePoint = findControlCharacter(value);
    if (codePoint !== null) problems.push(problemAt(at, codePoint));
  } else if (Array.isArray(value)) {
    // A list position is a row; the fields inside it are named from the list's argument on.
    value.forEach((item, index) => checkValue(item, { field: at.field, row: index + 1 }, problems));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) checkValue(inner, { field: [...at.field, key], row: at.row }, problems);
  }
}

function checkNode(node: ValueNode, at: Location, variables: Record<string, unknown>, problems: Problem[]): void {
  switch (node.kind) {
    case Kind.STRING: {
      const codePoint = findControlCharacter(node.value);
      if (codePoint !== null) problems.push(problemAt(at, codePoint));
      return;
    }
    case Kind.VARIABLE:
      checkValue(variables[node.name.value], at, problems);
      return;
    case Kind.LIST:
      node.values.forEach((item, index) => checkNode(item, { field: at.field, row: index + 1 }, variables, problems));
      return;
    case Kind.OBJECT:
      for (const field of node.fields) checkNode(field.value, { field: [...at.field, field.name.value], row: at.row }, variables, problems);
      return;
    default:
      return;
  }
}

interface ArgumentSite {
  node: ValueNode;
  field: string[];
}

// Where a document carries argument values: found once per parsed document (Apollo hands every request of
// the same text the same document), then only those values are checked per request, not the whole tree.
const argumentSites = new WeakMap<DocumentNode, ArgumentSite[]>();

function argumentSitesOf(document: DocumentNode): ArgumentSite[] {
  let sites = argumentSites.get(document);
  if (!sites) {
    const found: ArgumentSite[] = [];
    visit(document, {
      Argument(node) {
        // An `input` object argument is named by its fields ("entries.name"), as the services name them.
        found.push({ node: node.value, field: node.name.value === 'input' ? [] : [node.name.value] });
      },
    });
    argumentSites.set(document, (sites = found));
  }
  return sites;
}

export function inputTextGuardPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, contextValue }) {
          const variables = request.variables ?? {};
          const problems: Problem[] = [];
          for (const site of argumentSitesOf(document)) checkNode(site.node, { field: site.field, row: null }, variables, problems);
          if (problems.length === 0) return;
          noteRefusal('BAD_USER_INPUT', 'inputText', observationOfContext(contextValue));
          const first = problems[0]!;
          const where = first.row === null ? first.field : `row ${first.row}, ${first.field}`;
          throw new GraphQLError(`Invalid ${where}: ${first.message}`, {
            extensions: { code: 'BAD_USER_INPUT', problems, http: { status: 400 } },
          });
        },
      };
    },
  };
}
