import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { InjectOAuthOptions } from '../oauth-options';
import type { OAuthPrincipal } from './oauth-principal.interface';

/** Tokens remembered at most: bounds the memory whatever the number of tokens in use (a few hundred bytes each). */
const MAX_ENTRIES = 10_000;

/**
 * Opaque access tokens this instance validated recently, by digest, for `accessTokenCacheSeconds`
 * (off by default). An entry never outlives its token. Revocation empties the whole cache: revocations are
 * rare beside token checks, and clearing everything cannot miss a token of the revoked grant.
 */
@Injectable()
export class AccessTokenCache {
  private readonly entries: LRUCache<string, { principal: OAuthPrincipal; validUntil: number }> | null;
  private readonly lifetimeMs: number;
  /**
   * Counts `clear()`s. A validation read from storage before a revocation may finish after the revocation has
   * cleared the cache; it must not be remembered then, or it would bring the revoked token back.
   */
  private clears = 0;

  constructor(@InjectOAuthOptions() options: ResolvedOAuthOptions) {
    this.lifetimeMs = options.accessTokenCacheSeconds * 1000;
    this.entries = this.lifetimeMs > 0 ? new LRUCache({ max: MAX_ENTRIES }) : null;
  }

  get enabled(): boolean {
    return this.entries !== null;
  }

  /** The principal of a token validated within the cache's lifetime and not yet expired at `now`. */
  get(digest: string, now: Date): OAuthPrincipal | undefined {
    const entry = this.entries?.get(digest);
    if (!entry) return undefined;
    if (entry.validUntil > now.getTime()) return entry.principal;
    this.entries!.delete(digest);
    return undefined;
  }

  /** Take it before reading storage, and hand it to `remember()`. */
  get generation(): number {
    return this.clears;
  }

  /**
   * Remembers a principal validated from storage at `now`, unless the cache was cleared since `generation` was
   * taken; it is frozen, as every later request shares it.
   */
  remember(digest: string, principal: OAuthPrincipal, now: Date, generation: number): void {
    if (!this.entries || generation !== this.clears) return;
    Object.freeze(principal.scopes);
    const validUntil = Math.min(now.getTime() + this.lifetimeMs, principal.expiresAt.getTime());
    this.entries.set(digest, { principal: Object.freeze(principal), validUntil });
  }

  /** Forgets every token: call it after revoking anything, so that the revocation takes effect at once. */
  clear(): void {
    this.clears++;
    this.entries?.clear();
  }
}
