import { CreateUsers1764201600001 } from './1764201600001-create-users';

export const APP_MIGRATIONS = [CreateUsers1764201600001];
