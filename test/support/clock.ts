/**
 * The clock of the app under test, for expiry tests that must never race the wall clock: `Date` in this process,
 * and so in an app started here with `startTestApp`, keeps following real time, and `advance(seconds)` moves it
 * forward at once. Lifetimes stay long (minutes or more), so a slow machine cannot expire anything early, and
 * nobody waits for them to pass. Timers are left alone: only `Date` is replaced. Call `restore()` when done.
 *
 * An app started as a child process (test/support/app-process.ts) keeps its own, real clock.
 */
export function controlClock(): { advance(seconds: number): void; restore(): void } {
  jest.useFakeTimers({
    advanceTimers: true,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
  return {
    advance: (seconds) => jest.setSystemTime(Date.now() + seconds * 1000),
    restore: () => jest.useRealTimers(),
  };
}
