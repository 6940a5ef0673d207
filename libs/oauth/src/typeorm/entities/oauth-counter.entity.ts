import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../bigint-number.transformer';

/**
 * `oauth_counters`: named counters the module advances in its own transactions (see `TypeOrmCounters`); absent
 * means 0.
 */
@Entity('oauth_counters')
export class OAuthCounterEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  value: number;
}
