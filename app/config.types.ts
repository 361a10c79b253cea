import { z } from 'zod';

/** A whole number within bounds, from an environment string. */
export const int = (min: number, max: number) =>
  z.coerce
    .number()
    .int(`must be a whole number`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** An http(s) URL without its trailing slashes. */
export const url = z
  .string()
  .regex(/^https?:\/\/.+/, 'must be an http:// or https:// URL')
  .transform((u) => u.replace(/\/+$/, ''));

/** A plant code as it may appear in queue names and routing keys. */
export const plantCode = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, dashes or underscores');
