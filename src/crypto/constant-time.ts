/**
 * The one comparison for secrets, tokens, MACs and signatures (SPEC.md,
 * "Security rules"). Both sides are padded to the same length before
 * `timingSafeEqual`, so the time taken does not reveal where the first
 * difference is, nor (beyond the longer input's size) how long the expected
 * value is; a length mismatch still answers false. Same approach as
 * oidc-provider's `helpers/constant_equals.js`.
 */
import { timingSafeEqual } from 'node:crypto';

type Comparable = string | Uint8Array;

function toBytes(value: Comparable): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

export function constantTimeEqual(a: Comparable, b: Comparable): boolean {
  const left = toBytes(a);
  const right = toBytes(b);
  const length = Math.max(left.length, right.length, 1);
  const paddedLeft = Buffer.alloc(length);
  const paddedRight = Buffer.alloc(length);
  left.copy(paddedLeft);
  right.copy(paddedRight);
  // Evaluate the comparison before the length check so both always run.
  const sameBytes = timingSafeEqual(paddedLeft, paddedRight);
  return sameBytes && left.length === right.length;
}
