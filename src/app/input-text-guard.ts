import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type ValueNode } from 'graphql';
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

export function inputTextGuardPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, contextValue }) {
          const variables = request.variables ?? {};
          const problems: Problem[] = [];
          visit(document, {
            Argument(node) {
              // An `input` object argument is named by its fields ("entries.name"), as the services name them.
              const field = node.name.value === 'input' ? [] : [node.name.value];
              checkNode(node.value, { field, row: null }, variables, problems);
            },
          });
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
