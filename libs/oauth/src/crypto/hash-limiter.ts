import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';
import { OAuthError } from '../errors/oauth.error';
import type { OAuthEvents } from '../events/oauth-events';

/** How `HashLimiter` admits work; the module fills it from the `hash*` options of `OAuthModuleOptions`. */
export interface HashLimiterSettings {
  /** Hashes computed at once. */
  concurrency: number;
  /** Hashes that may wait for a free slot; one more is refused at once. */
  queueMax: number;
  /** Milliseconds a hash may wait for a slot before it is refused; `0`: no deadline. */
  queueTimeoutMs: number;
}

/** What a refused hash's request is told: the queue turns over within about this many seconds. */
const RETRY_AFTER_SECONDS = 1;

/**
 * The one gate for every slow hash the server computes: client secrets typed by an operator (scrypt), and, through
 * the host's `UserLookup`, user passwords. Inject it wherever a slow hash is computed for a request and run the
 * hash inside `run()`.
 *
 * Slow hashes run on libuv's thread pool, the same few threads that serve sqlite3's queries and file access, and
 * each holds its memory until it ends. Unlimited, a flood of wrong secrets or junk logins would queue database
 * reads behind hashes (health checks and token checks stall) and make a real login wait behind all of them. So at
 * most `concurrency` hashes run at once, at most `queueMax` wait, none waits longer than `queueTimeoutMs`, and
 * everything beyond is refused at once with 503 `temporarily_unavailable` and `Retry-After`: the work a flood can
 * cause is bounded, and a real login waits at most the deadline.
 */
export class HashLimiter {
  private readonly limit: pLimit.Limit;

  /** @param events where a refusal is reported (`hash.rejected`), for metrics and alerting. */
  constructor(
    private readonly settings: HashLimiterSettings,
    private readonly events?: OAuthEvents,
  ) {
    this.limit = pLimit(settings.concurrency);
  }

  /** Hashes computing now. */
  get running(): number {
    return this.limit.activeCount;
  }

  /** Hashes waiting for a slot (expired waiters included until their turn comes). */
  get waiting(): number {
    return this.limit.pendingCount;
  }

  /**
   * Runs `hash` when a slot is free. Rejects with `OAuthError` `temporarily_unavailable` (503) at once when
   * `queueMax` hashes already wait, or when the deadline passes before a slot is free; `hash` then never runs.
   */
  run<T>(hash: () => Promise<T>): Promise<T> {
    // p-limit counts a call as pending from the moment it is made until it starts, then as active until it ends:
    // the sum is everything admitted and not finished, expired waiters included until their turn comes.
    if (this.limit.activeCount + this.limit.pendingCount >= this.settings.concurrency + this.settings.queueMax) {
      return Promise.reject(this.refuse('queue_full'));
    }
    if (this.settings.queueTimeoutMs === 0) return this.limit(hash);
    return new Promise<T>((resolve, reject) => {
      let expired = false;
      const deadline = setTimeout(() => {
        expired = true;
        reject(this.refuse('deadline'));
      }, this.settings.queueTimeoutMs);
      // A pending deadline must not hold a closing process open.
      deadline.unref();
      this.limit(async () => {
        clearTimeout(deadline);
        // Its request was answered already: the slot passes straight to the next in line.
        if (expired) return;
        resolve(await hash());
      }).catch(reject);
    });
  }

  private refuse(reason: 'queue_full' | 'deadline'): OAuthError {
    this.events?.emit({ type: 'hash.rejected', reason });
    return busy();
  }
}

/**
 * Half of libuv's thread pool (`UV_THREADPOOL_SIZE`, 4 unless set), and no more than one per core: the other half
 * stays free for database queries and file access, and more hashes than cores finish no sooner.
 */
export function defaultHashConcurrency(): number {
  const configured = Number(process.env.UV_THREADPOOL_SIZE);
  const pool = Number.isInteger(configured) && configured > 0 ? configured : 4;
  return Math.max(1, Math.min(availableParallelism(), Math.floor(pool / 2)));
}

function busy(): OAuthError {
  return OAuthError.temporarilyUnavailable('The server is busy; try again shortly', RETRY_AFTER_SECONDS);
}
