import { CONTRIBUTING_AGE } from './domain';
import { sql } from './sql';

// Policy constants as SQL text, so that a rule and its SQL twin read the same constant (never a second literal).

/** R4 for `between … and …`: the contributing ages. */
export const CONTRIBUTING_AGE_SQL = sql.raw(`${CONTRIBUTING_AGE.from} and ${CONTRIBUTING_AGE.to}`);
