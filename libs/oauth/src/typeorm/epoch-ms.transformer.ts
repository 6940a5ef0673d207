import type { ColumnOptions, ValueTransformer } from 'typeorm';

/**
 * Instants are stored as milliseconds since the epoch in a BIGINT. A `Date` column would map to sqlite's text
 * `datetime` and PostgreSQL's `timestamp without time zone`, which the pg driver writes in the process's local
 * time zone: instances in different zones, or a daylight-saving change, would disagree about which tokens have
 * expired. An integer means the same everywhere, compares fast, and indexes small.
 */
export const epochMs: ValueTransformer = {
  to: (value: Date | null | undefined) => (value instanceof Date ? value.getTime() : value),
  // The pg driver returns BIGINT as a string, to be safe for values beyond 2^53; epoch milliseconds are not.
  from: (value: string | number | null) => (value === null || value === undefined ? value : new Date(Number(value))),
};

/** Column options for an instant; spread them into `@Column`. */
export const instantColumn = (name: string, nullable = false): ColumnOptions => ({ name, type: 'bigint', nullable, transformer: epochMs });
