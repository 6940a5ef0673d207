import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  /** Stored lower-cased, so look-ups need no case-insensitive index. */
  @Index('uq_users_email', { unique: true })
  @Column({ type: 'varchar', length: 320 })
  email: string;

  /** scrypt (`PasswordHasher`), or bcrypt from a migrated table until the user's next login; never the password. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  firstname: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  lastname: string;

  @Column({ type: 'simple-array' })
  roles: string[];

  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}

/** What the API shows of a user: never the hash, not even as a null field. */
export interface UserView {
  id: number;
  email: string;
  firstname: string;
  lastname: string;
  roles: string[];
}

export function toUserView(user: User): UserView {
  return { id: user.id, email: user.email, firstname: user.firstname, lastname: user.lastname, roles: user.roles };
}
