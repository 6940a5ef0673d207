import type { DataSourceOptions } from 'typeorm';

/** This app's database: sql.js, sqlite in memory, so that it runs without a database server. Yours goes here. */
export const databaseOptions: DataSourceOptions = { type: 'sqljs' };
