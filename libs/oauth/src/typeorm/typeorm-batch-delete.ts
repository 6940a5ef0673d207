import { In, type EntityManager, type EntityTarget, type FindOptionsWhere, type ObjectLiteral } from 'typeorm';

/**
 * Deletes at most `limit` rows matching `where` and returns how many. Bounded batches keep each transaction
 * short, so a purge of millions of rows never holds the database's write lock for long. SELECT-then-DELETE by
 * key is the form both sqlite and PostgreSQL accept (neither portable DELETE ... LIMIT nor USING exists).
 */
export async function deleteBatch<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  key: keyof T & string,
  where: FindOptionsWhere<T>,
  limit: number,
): Promise<T[keyof T][]> {
  const rows = await manager.getRepository(entity).find({ select: { [key]: true } as never, where, take: limit });
  const keys = rows.map((row) => row[key]);
  if (keys.length > 0) await manager.delete(entity, { [key]: In(keys) } as never);
  return keys;
}
