import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config';
import { signToken } from '../shared/auth';
import { isCountyCode } from '../shared/county';
import { DEPARTMENTS, isDepartment } from '../shared/domain';

// npm run token -- --department CIVIL_AFFAIRS [--county 530102] [--sub alice] [--hours 8]
// Prints the token and nothing else, so that `TOKEN=$(npm run -s token -- ...)` works.
function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    department: { type: 'string' },
    county: { type: 'string' },
    sub: { type: 'string' },
    hours: { type: 'string' },
  },
  strict: true,
});

if (!isDepartment(values.department)) fail(`--department must be one of ${DEPARTMENTS.join(', ')}`);
if (values.county !== undefined && !isCountyCode(values.county)) fail(`--county ${values.county} is not one of the 14 county codes`);
const hours = values.hours === undefined ? 8 : Number(values.hours);
if (!Number.isFinite(hours) || hours <= 0) fail('--hours must be a positive number');

const config = loadConfig();
const maxHours = config.protections.tokenPolicy.maxLifetimeSeconds / 3600;
if (hours > maxHours) fail(`--hours ${hours} is over the server's maximum token lifetime of ${maxHours} h (PA_TOKEN_MAX_LIFETIME_SECONDS)`);
const subject = values.sub ?? `${values.department.toLowerCase()}${values.county ? `-${values.county}` : ''}`;
process.stdout.write(
  `${signToken({ subject, department: values.department, county: values.county ?? null }, config.jwtSecret, Math.round(hours * 3600))}\n`,
);
