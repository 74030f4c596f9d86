// Text that cannot be stored or makes no sense in a field: NUL (PostgreSQL text and jsonb cannot hold it)
// and the other C0 control characters and DEL. Tab, line feed and carriage return pass (free text may
// hold them); every other field's own rules refuse what it cannot use.

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** The first control character in `text` as "U+0000", or null when there is none. */
export function findControlCharacter(text: string): string | null {
  const match = CONTROL_CHARACTER.exec(text);
  return match === null ? null : `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

export function controlCharacterMessage(codePoint: string): string {
  return `contains the control character ${codePoint}, which no field accepts; remove it and send again`;
}
