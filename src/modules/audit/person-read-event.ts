import type { Viewer } from '../../shared/auth';
import type { NewAuditEvent } from './audit.queries';

// One READ event: who read which persons, through which operation. Built the same way for a GraphQL
// request (the audit plugin) and for a file route whose answer names persons (roster import conflicts).

export interface PersonRead {
  operation: string | null;
  personIds: readonly number[];
  idNumbers: readonly string[];
  details: Record<string, unknown>;
}

export function personReadEvent(viewer: Viewer, read: PersonRead, at = new Date()): NewAuditEvent {
  return {
    at,
    subject: viewer.subject,
    department: viewer.department,
    county: viewer.county,
    action: 'READ',
    operation: read.operation,
    personIds: [...read.personIds],
    idNumbers: [...read.idNumbers],
    details: read.details,
  };
}
