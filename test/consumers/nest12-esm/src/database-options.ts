import type { DataSourceOptions } from 'typeorm';

const schema = process.env.DATABASE_SCHEMA || undefined;

/** This app's database: PostgreSQL at DATABASE_URL, in DATABASE_SCHEMA when set (else the database's default). Yours goes here. */
export const databaseOptions: DataSourceOptions = {
  type: 'postgres',
  url: process.env.DATABASE_URL,
  schema,
  // Raw SQL sees the same schema as the entities.
  ...(schema ? { extra: { options: `-c search_path=${schema}` } } : {}),
};
