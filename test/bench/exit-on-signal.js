// @ts-check
'use strict';

/**
 * Preloaded (`node -r`) into the profiled app runs only. `node --cpu-prof` writes its profile when the process
 * exits normally; the app's shutdown hooks end it by re-raising SIGTERM, which kills it before the profile is
 * written. Registered before the app's own listeners, this one exits through process.exit() instead.
 */
for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) process.once(signal, () => process.exit(0));
