import type { ValueTransformer } from 'typeorm';

/** A BIGINT read as a number: the pg driver returns BIGINT as a string, to be safe beyond 2^53, which counters never reach. */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};
