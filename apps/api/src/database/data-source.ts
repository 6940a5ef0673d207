import { DataSource } from 'typeorm';
import { loadAppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';

/** For the TypeORM CLI (`npm run migration:run`): the app's database, as DATABASE_URL describes it. */
export default new DataSource({ ...dataSourceOptions(loadAppConfig(process.env)), migrationsRun: false });
