import type { NewAuditEvent } from './audit.queries';

// Every field of a READ event fits its column before the batch is written: a long operation text or
// token subject is cut with a visible marker, never a reason for the database to refuse the batch.
// Column widths: migrations (audit_event). NUL, which PostgreSQL text and jsonb cannot hold, becomes U+FFFD.

export const TRUNCATION_MARKER = '…[truncated]';
export const AUDIT_FIELD_LIMITS = { subject: 200, department: 40, action: 40, operation: 200 } as const;
/** details as JSON text; larger details keep a preview and the original size. */
export const MAX_DETAILS_CHARACTERS = 16 * 1024;
const MAX_LISTED_ID_NUMBERS = 100_000;

function clean(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

/** `text` cut to `max` characters, ending with the marker when it was cut. */
export function boundText(text: string, max: number): string {
  const cleaned = clean(text);
  if (cleaned.length <= max) return cleaned;
  return cleaned.slice(0, max - TRUNCATION_MARKER.length) + TRUNCATION_MARKER;
}

function cleanJson(details: Record<string, unknown>): string {
  return JSON.stringify(details, (_key, value: unknown) => (typeof value === 'string' ? clean(value) : value));
}

function boundDetails(details: Record<string, unknown> | null): Record<string, unknown> | null {
  if (details === null) return null;
  const json = cleanJson(details);
  if (json.length <= MAX_DETAILS_CHARACTERS) return JSON.parse(json) as Record<string, unknown>;
  return { truncated: true, characters: json.length, preview: boundText(json, 1024) };
}

export function boundEvent(event: NewAuditEvent): NewAuditEvent {
  const county = event.county === null ? null : clean(event.county);
  const countyFits = county === null || /^[0-9A-Za-z]{6}$/.test(county);
  const details = boundDetails(event.details);
  return {
    at: Number.isNaN(event.at.getTime()) ? new Date() : event.at,
    subject: boundText(event.subject, AUDIT_FIELD_LIMITS.subject),
    department: boundText(event.department, AUDIT_FIELD_LIMITS.department),
    county: countyFits ? county : null,
    action: boundText(event.action, AUDIT_FIELD_LIMITS.action),
    operation: event.operation === null ? null : boundText(event.operation, AUDIT_FIELD_LIMITS.operation),
    personIds: event.personIds.filter((id) => Number.isInteger(id) && id > 0 && id <= 2_147_483_647),
    idNumbers: (event.idNumbers ?? []).filter((idNumber) => /^[0-9X]{18}$/.test(idNumber)).slice(0, MAX_LISTED_ID_NUMBERS),
    // A county that does not fit char(6) is kept, cut, where a reader sees it.
    details: countyFits ? details : { ...(details ?? {}), county: boundText(county ?? '', 64) },
  };
}

/**
 * What is written instead of an event the database refused even alone: who, when, which persons, and
 * why the event itself could not be stored.
 */
export function rejectedEvent(event: NewAuditEvent, error: unknown): NewAuditEvent {
  const bounded = boundEvent(event);
  const failure = error as { code?: unknown; message?: unknown };
  return {
    ...bounded,
    idNumbers: [],
    details: {
      auditRejected: true,
      error: boundText(String(failure.message ?? error), 500),
      sqlState: typeof failure.code === 'string' ? failure.code : null,
    },
  };
}
