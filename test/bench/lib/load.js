// @ts-check
'use strict';

/**
 * The load generators. Fixed requests go through autocannon. The refresh grant cannot: each refresh token works
 * once (rotation), so every request depends on the previous response. It gets a loop of N concurrent workers on
 * Node's fetch (undici, keep-alive), each chaining its own refresh tokens; the same loop also drives the bare
 * route, so that refresh ÷ bare compares two numbers from the same client. The raw password-hash rate is N
 * concurrent verifySecret() calls in this process.
 */

const autocannon = require('autocannon');
const { latencySummary } = require('./stats');

/**
 * @typedef {object} Measurement
 * @property {number} rps successful (2xx) requests per second
 * @property {number} p50 latency, ms
 * @property {number} p99 latency, ms
 * @property {number} mean latency, ms
 * @property {number} ok successful requests
 * @property {number} failed non-2xx responses, errors and timeouts
 * @property {number} seconds wall time of the measurement
 */

/**
 * A fixed request for `seconds`, or, with `amount`, exactly `amount` requests: then the rate is the requests
 * over the time from the start to the last response. A duration cuts off the requests in flight at its end,
 * which costs nothing at thousands per second but half the sample when a request takes seconds (the password
 * grant at scrypt cost 17); a fixed amount counts every one of them, and the hash-verify loop it is compared to
 * is measured the same way.
 * @param {{ url: string; connections: number; seconds: number; amount?: number; method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string }} options
 * @returns {Promise<Measurement>}
 */
async function runAutocannon({ url, connections, seconds, amount, method = 'GET', headers = {}, body }) {
  const start = performance.now();
  let lastResponse = start;
  // Without a callback autocannon returns its event emitter, made thenable (the typings only say Promise).
  const instance = /** @type {Promise<autocannon.Result> & import('node:events').EventEmitter} */ (
    autocannon({
      url,
      connections: amount ? Math.min(connections, amount) : connections,
      ...(amount ? { amount } : { duration: seconds }),
      method,
      headers,
      body,
      pipelining: 1,
      // The password grant at scrypt cost 17 queues requests for seconds on two cores; do not count them as lost.
      timeout: 120,
    })
  );
  instance.on('response', () => (lastResponse = performance.now()));
  const result = await instance;
  const ok = result['2xx'];
  const elapsed = amount ? (lastResponse - start) / 1000 : result.duration;
  return {
    rps: ok / elapsed,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.mean,
    ok,
    failed: result.non2xx + result.errors + result.timeouts,
    seconds: elapsed,
  };
}

/**
 * Runs `workers` concurrent loops of `step` until `seconds` have passed (each loop finishes its request in
 * flight, and the rate counts it), or, with `amount`, until `amount` steps are done. `step` resolves to true for
 * a success; its latency is recorded then.
 * @param {number} workers @param {number} seconds @param {(worker: number) => Promise<boolean>} step @param {number} [amount]
 * @returns {Promise<Measurement>}
 */
async function runLoop(workers, seconds, step, amount) {
  /** @type {number[]} */
  const latencies = [];
  let failed = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let tickets = amount ?? Infinity;
  const more = () => (amount ? tickets-- > 0 : performance.now() < deadline);
  await Promise.all(
    Array.from({ length: amount ? Math.min(workers, amount) : workers }, async (_, worker) => {
      while (more()) {
        const begun = performance.now();
        let success = false;
        try {
          success = await step(worker);
        } catch {
          success = false;
        }
        if (success) latencies.push(performance.now() - begun);
        else {
          failed++;
          // A server that refuses everything must not turn the loop into a busy spin.
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const { p50, p99, mean } = latencySummary(latencies);
  return { rps: latencies.length / elapsed, p50, p99, mean, ok: latencies.length, failed, seconds: elapsed };
}

/**
 * GET `url` with fetch from `workers` concurrent loops: the refresh loop's own baseline.
 * @param {{ url: string; workers: number; seconds: number }} options
 */
function runFetchGetLoop({ url, workers, seconds }) {
  return runLoop(workers, seconds, async () => {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.status === 200;
  });
}

/**
 * One refresh-token chain per worker. Each worker always sends its newest refresh token; a chain that breaks
 * (an error, which should not happen) is restarted with a fresh login and counted as a failure.
 * @typedef {{ refreshToken: string }} Chain
 * @param {{ tokenUrl: string; basic: string; chains: Chain[]; seconds: number; login: () => Promise<string> }} options
 */
function runRefreshLoop({ tokenUrl, basic, chains, seconds, login }) {
  return runLoop(chains.length, seconds, async (worker) => {
    const chain = chains[worker];
    try {
      const response = await fetch(tokenUrl, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: `grant_type=refresh_token&refresh_token=${encodeURIComponent(chain.refreshToken)}`,
      });
      const body = /** @type {{ refresh_token?: string }} */ (await response.json());
      if (response.status === 200 && typeof body.refresh_token === 'string') {
        chain.refreshToken = body.refresh_token;
        return true;
      }
    } catch {
      // counted below
    }
    chain.refreshToken = await login();
    return false;
  });
}

/**
 * `workers` concurrent verifySecret() calls against one stored hash, as the password grant makes one per request:
 * `amount` of them, or as many as `seconds` allow.
 * @param {{ verifySecret: (secret: string, stored: string) => Promise<boolean>; secret: string; stored: string; workers: number; seconds: number; amount?: number }} options
 */
function runHashVerifyLoop({ verifySecret, secret, stored, workers, seconds, amount }) {
  return runLoop(workers, seconds, () => verifySecret(secret, stored), amount);
}

/**
 * A token response from the password grant.
 * @param {{ tokenUrl: string; basic: string; username: string; password: string; scope?: string }} options
 * @returns {Promise<{ access_token: string; refresh_token: string }>}
 */
async function passwordGrant({ tokenUrl, basic, username, password, scope = 'read write' }) {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'password', username, password, scope }).toString(),
  });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`password grant failed: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** HTTP Basic credentials as RFC 6749 §2.3.1 wants them. @param {string} id @param {string} secret */
function basicAuth(id, secret) {
  const encode = (/** @type {string} */ value) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
}

module.exports = { runAutocannon, runFetchGetLoop, runRefreshLoop, runHashVerifyLoop, passwordGrant, basicAuth };
