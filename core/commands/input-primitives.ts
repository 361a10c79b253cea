import { z } from 'zod';

/** Shape rules shared by every submit mutation, beyond what GraphQL's types already enforce. */
export const code = z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters');
export const text = z.string().trim().min(1, 'must not be empty').max(2000, 'must be at most 2000 characters');
export const positive = z.number().finite().positive('must be greater than 0');
export const nonNegative = z.number().finite().min(0, 'must not be negative');
export const sequence = z.number().int().positive('must be greater than 0');
export const isoDateTime = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 date-time');
export const messageId = z.string().trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters');
