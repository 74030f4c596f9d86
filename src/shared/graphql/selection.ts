import {
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  type FieldNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';

// Whether a resolver's selection reaches a nested field (through fragments; @skip and @include honoured), so
// that a page resolver loads a nested list for the whole page only when the request asks for it.

function included(node: Parameters<typeof getDirectiveValues>[1], variables: GraphQLResolveInfo['variableValues']): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}

function collect(selectionSet: SelectionSetNode | undefined, path: readonly string[], info: GraphQLResolveInfo, into: FieldNode[]): void {
  if (!selectionSet) return;
  const [head, ...rest] = path;
  for (const selection of selectionSet.selections) {
    if (!included(selection, info.variableValues)) continue;
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== head) continue;
      if (rest.length === 0) into.push(selection);
      else collect(selection.selectionSet, rest, info, into);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collect(selection.selectionSet, path, info, into);
    } else {
      const fragment = info.fragments[selection.name.value];
      if (fragment) collect(fragment.selectionSet, path, info, into);
    }
  }
}

/** The field nodes the field being resolved selects at `path` below it, e.g. ['edges', 'node', 'eligibility']. */
export function selectedFields(info: GraphQLResolveInfo, path: readonly string[]): FieldNode[] {
  const found: FieldNode[] = [];
  for (const node of info.fieldNodes) collect(node.selectionSet, path, info, found);
  return found;
}

/** Whether the field being resolved selects `path` below it, e.g. ['edges', 'node', 'rosterEntries']. */
export function selects(info: GraphQLResolveInfo, path: readonly string[]): boolean {
  return selectedFields(info, path).length > 0;
}

/** An integer argument of a selected field, written inline or through a variable; null when it is neither. */
export function integerArgument(field: FieldNode, name: string, info: GraphQLResolveInfo): number | null {
  const value = field.arguments?.find((argument) => argument.name.value === name)?.value;
  if (value?.kind === Kind.INT) return Number(value.value);
  if (value?.kind === Kind.VARIABLE) {
    const given = info.variableValues[value.name.value];
    return typeof given === 'number' && Number.isInteger(given) ? given : null;
  }
  return null;
}
