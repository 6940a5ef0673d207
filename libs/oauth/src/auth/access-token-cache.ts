import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { InjectOAuthOptions } from '../oauth-options';
import { AccessTokenRepository } from '../repositories/access-token.repository';
import type { OAuthPrincipal } from './oauth-principal.interface';

/** Tokens remembered at most: bounds the memory whatever the number of tokens in use (a few hundred bytes each). */
const MAX_ENTRIES = 10_000;

/**
 * Opaque access tokens this instance validated recently, by digest, for up to `accessTokenCacheSeconds`. An
 * entry never outlives its token, and never outlives a revocation: before answering from the cache, a request
 * waits for a read of the storage's revocation mark (`AccessTokenRepository.revocationMark`) that started after
 * the request arrived, and a mark that moved empties the cache. Every revocation advances the mark in its own
 * transaction, whichever instance or process made it, so one committed before a request arrived is always
 * seen by it. Requests share those reads: the read in flight when a request arrives may have started before the
 * revocation, so the request waits for the next one, which then serves every request that arrived meanwhile.
 * Under load that is one small read per round trip to the database instead of a token read per request.
 * Revocations are rare beside token checks, so emptying everything is cheaper than tracking what to forget.
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
  /** The revocation mark as last read. */
  private mark: number | undefined;
  /** The mark read in flight, if any. */
  private reading: Promise<void> | null = null;
  /** The read that starts when `reading` ends, shared by every request that arrived while `reading` was out. */
  private nextRead: Promise<void> | null = null;

  constructor(
    @InjectOAuthOptions() options: ResolvedOAuthOptions,
    private readonly accessTokens: AccessTokenRepository,
  ) {
    this.lifetimeMs = options.accessTokenCacheSeconds * 1000;
    this.entries = this.lifetimeMs > 0 ? new LRUCache({ max: MAX_ENTRIES }) : null;
  }

  get enabled(): boolean {
    return this.entries !== null;
  }

  /**
   * Resolves once a read of the revocation mark that started after this call has come back, the cache emptied
   * if the mark had moved; rejects when that read fails (nothing may then be answered from the cache).
   */
  catchUp(): Promise<void> {
    if (this.nextRead) return this.nextRead;
    if (!this.reading) return this.readMark();
    // The read out now may have started before a revocation this request must see.
    const settled = this.reading.then(
      () => undefined,
      () => undefined,
    );
    this.nextRead = settled.then(() => {
      this.nextRead = null;
      return this.readMark();
    });
    return this.nextRead;
  }

  /** The principal of a token validated within the cache's lifetime and not yet expired at `now`. Call `catchUp()` first. */
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

  /**
   * Forgets every token. Revocations through the repositories need no call (the mark covers them); this empties
   * the cache at once for a revocation the storage cannot see, such as a host's own flag on its users.
   */
  clear(): void {
    this.clears++;
    this.entries?.clear();
  }

  private readMark(): Promise<void> {
    const read: Promise<void> = this.accessTokens
      .revocationMark()
      .then((mark) => {
        if (mark === this.mark) return;
        this.mark = mark;
        this.clear();
      })
      .finally(() => {
        if (this.reading === read) this.reading = null;
      });
    this.reading = read;
    return read;
  }
}
