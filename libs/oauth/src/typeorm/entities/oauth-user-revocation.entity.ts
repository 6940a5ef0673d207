import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../bigint-number.transformer';

/**
 * `oauth_user_revocations`: for each user, where the user-revocation sequence (`oauth_counters`) stood when all of
 * the user's grants were last revoked. A grant whose credentials were checked before that is refused at
 * creation. The row is also what a grant's creation locks on PostgreSQL to serialise with a revocation, so it
 * exists (with 0) for users never revoked once they have logged in.
 */
@Entity('oauth_user_revocations')
export class OAuthUserRevocationEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 128 })
  userId: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  sequence: number;
}
