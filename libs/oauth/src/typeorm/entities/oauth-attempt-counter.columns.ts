import { Column } from 'typeorm';
import { instantColumn } from '../epoch-ms.transformer';

/**
 * The columns every attempt counter has (`oauth_login_attempts`, `oauth_client_failures`): one row per key and
 * window. See `AttemptCounterRepository`.
 */
export abstract class OAuthAttemptCounterColumns {
  /** Attempts counted in the window: failures, and attempts whose check has not finished yet. */
  @Column({ type: 'integer' })
  failures: number;

  /**
   * Of `failures`, the attempts still being checked: a success clears only the failures settled before it began.
   * The default serves rows an instance of an earlier version writes during an upgrade.
   */
  @Column({ type: 'integer', default: 0 })
  pending: number;

  @Column(instantColumn('window_started_at'))
  windowStartedAt: Date;

  /** Until when the key is refused; `null` while the window has slots left. */
  @Column(instantColumn('locked_until', true))
  lockedUntil: Date | null;

  /**
   * When the row stops mattering: the end of its window or of its lock, whichever is later. The default (the
   * epoch, long expired) serves rows an instance of an earlier version writes during an upgrade.
   */
  @Column({ ...instantColumn('expires_at'), default: 0 })
  expiresAt: Date;
}
