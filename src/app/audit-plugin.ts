import type { ApolloServerPlugin } from '@apollo/server';
import { Kind } from 'graphql';
import type { AuditLog } from '../modules/audit/audit-log';
import { personReadEvent } from '../modules/audit/person-read-event';
import type { RequestContext } from './context';

// After each request that handed out persons: one READ event (who, when, which operation, which
// persons). Only appended to the in-process buffer here; the database write happens later, in a batch.
export function auditPlugin(log: AuditLog): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operationName, operation }) {
          const { personIds, idNumbers } = contextValue.personReads;
          const viewer = contextValue.viewer;
          if ((personIds.size === 0 && idNumbers.size === 0) || viewer === null) return;
          const rootFields = (operation?.selectionSet.selections ?? []).flatMap((selection) =>
            selection.kind === Kind.FIELD ? [selection.name.value] : [],
          );
          log.record(
            personReadEvent(viewer, {
              operation: operationName ?? (rootFields.join(',') || null),
              personIds: [...personIds],
              idNumbers: [...idNumbers],
              details: { endpoint: contextValue.endpoint, rootFields },
            }),
          );
        },
      };
    },
  };
}
