/**
 * Strict parsing of signed delivery timestamps. A timestamp that does not
 * parse fails the request (SPEC.md, "Security rules"): a lenient parser that
 * turns garbage into NaN and then skips the window check would let any old
 * signed request be replayed forever.
 */
import { TimestampInvalidError } from './signature-errors.js';

export type TimestampFormat = 'unix' | 'unix-ms' | 'iso8601';

const DIGITS = /^\d{1,16}$/;
// RFC 3339 §5.6 date-time (the profile of ISO 8601 that Zendesk sends), zone required.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/** Unix seconds from `value` written in `format`; throws TimestampInvalidError otherwise. */
export function parseTimestamp(value: string, format: TimestampFormat = 'unix'): number {
  if (format === 'iso8601') {
    const millis = RFC3339.test(value) ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(millis)) throw new TimestampInvalidError('timestamp is not an RFC 3339 date-time');
    return Math.floor(millis / 1000);
  }
  if (!DIGITS.test(value)) throw new TimestampInvalidError('timestamp is not a whole number');
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new TimestampInvalidError('timestamp is out of range');
  return format === 'unix-ms' ? Math.floor(number / 1000) : number;
}
