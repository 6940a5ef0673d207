// @ts-check
'use strict';

/**
 * Child processes of the benchmark: the servers under load and the admin CLI. Every child is tracked by its pid
 * so that each one is stopped on every way out (normal end, failure, Ctrl-C), and only those.
 */

const { spawn } = require('node:child_process');
const { closeSync, fstatSync, openSync, readFileSync, readSync } = require('node:fs');
const { createServer } = require('node:net');

/** @typedef {import('node:child_process').ChildProcess} ChildProcess */

/** pid -> child, for every child still running. */
const children = new Map();

/** @param {ChildProcess} child */
function track(child) {
  if (child.pid === undefined) return;
  const pid = child.pid;
  children.set(pid, child);
  child.once('exit', () => children.delete(pid));
}

/** @param {ChildProcess} child */
function isRunning(child) {
  return child.exitCode === null && child.signalCode === null;
}

/**
 * SIGTERM to this child's pid, SIGKILL if it has not exited after `graceMs`.
 * @param {ChildProcess} child @param {number} [graceMs]
 */
async function stopChild(child, graceMs = 15_000) {
  if (!isRunning(child)) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => isRunning(child) && child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Stops every child this process started and that still runs. */
async function stopAllChildren() {
  await Promise.all([...children.values()].map((child) => stopChild(child)));
}

/** Last resort on process exit: SIGKILL, by pid, whatever is left. Synchronous, as 'exit' handlers must be. */
function killAllChildrenNow() {
  for (const pid of children.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.on('exit', killAllChildrenNow);

/** A free TCP port on 127.0.0.1, as the kernel hands one out. */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Retries what a shared machine can make fail for a moment: another process taking the port between freePort()
 * and the server's listen(), or someone's `npm install` replacing node_modules under the starting process.
 * @template T @param {() => Promise<T>} start @returns {Promise<T>}
 */
async function retryShared(start) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt < 3 && /EADDRINUSE/.test(String(error))) continue;
      if (attempt < 8 && /MODULE_NOT_FOUND|Cannot find module/.test(String(error))) {
        process.stderr.write('a module went missing (is npm install running?); retrying in 10 s\n');
        await sleep(10_000);
        continue;
      }
      throw error;
    }
  }
}

/**
 * @typedef {object} Server
 * @property {string} label
 * @property {number} pid
 * @property {string} baseUrl
 * @property {ChildProcess} child
 * @property {() => string} output the tail of what the process wrote
 * @property {() => Promise<void>} stop
 */

/**
 * Starts `node [nodeArgs] script` as a server on a free port of 127.0.0.1 and waits until `readyPath` answers 2xx.
 * Its stdout and stderr go to `logFile`, not to a pipe: a server logging every request must not slow down, or
 * wait, when this process is busy generating load and reads the pipe late.
 * @param {{ label: string; script: string; nodeArgs?: string[]; env: Record<string, string | undefined>; cwd: string; readyPath: string; logFile: string; timeoutMs?: number }} options
 * @returns {Promise<Server>}
 */
function startServer(options) {
  return retryShared(() => startServerOnce(options));
}

/** @param {Parameters<typeof startServer>[0]} options @returns {Promise<Server>} */
async function startServerOnce({ label, script, nodeArgs = [], env, cwd, readyPath, logFile, timeoutMs = 90_000 }) {
  const port = await freePort();
  const log = openSync(logFile, 'a');
  /** @type {ChildProcess} */
  let child;
  try {
    child = spawn(process.execPath, [...nodeArgs, script], {
      cwd,
      env: /** @type {NodeJS.ProcessEnv} */ ({ ...env, PORT: String(port) }),
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
  track(child);
  const output = () => tail(logFile, 16_000);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isRunning(child)) throw new Error(`${label} exited during start (code ${child.exitCode}, signal ${child.signalCode}):\n${output()}`);
    try {
      const response = await fetch(`${baseUrl}${readyPath}`);
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild(child, 2000);
      throw new Error(`${label} did not answer ${readyPath} within ${timeoutMs / 1000} s:\n${output()}`);
    }
    await sleep(100);
  }
  return { label, pid: /** @type {number} */ (child.pid), baseUrl, child, output, stop: () => stopChild(child) };
}

/** The last `bytes` of a file. @param {string} file @param {number} bytes */
function tail(file, bytes) {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.min(bytes, size));
    readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Runs `node script args` to completion and returns its stdout; throws with its output if it fails.
 * @param {{ script: string; args: string[]; env: Record<string, string | undefined>; cwd: string; timeoutMs?: number }} options
 * @returns {Promise<string>}
 */
function runNode(options) {
  return retryShared(() => runNodeOnce(options));
}

/** @param {Parameters<typeof runNode>[0]} options */
async function runNodeOnce({ script, args, env, cwd, timeoutMs = 120_000 }) {
  const child = spawn(process.execPath, [script, ...args], { cwd, env: /** @type {NodeJS.ProcessEnv} */ (env), stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => isRunning(child) && child.kill('SIGKILL'), timeoutMs);
  /** @type {number | null} */
  const code = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  clearTimeout(timer);
  if (code !== 0) throw new Error(`node ${script} ${args.join(' ')} failed (exit ${code}):\n${stdout}${stderr}`);
  return stdout;
}

/** Linux clock ticks per second for /proc/<pid>/stat (USER_HZ, 100 on every mainstream architecture). */
const CLOCK_TICKS = 100;

/**
 * Reads a process's memory and CPU time from /proc. `null` once the process is gone.
 * @param {number} pid
 */
function readProc(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (/** @type {string} */ field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    // Fields after the command name, which is in parentheses and may itself contain spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS; // utime + stime, all threads
    return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM'), cpuMs };
  } catch {
    return null;
  }
}

/**
 * CPU time the whole machine spent busy (every core, every process), from /proc/stat, in ms: with the time of
 * the benchmark's own processes subtracted, what other tenants of a shared machine used meanwhile.
 */
function readMachineBusyMs() {
  try {
    const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
    const [user, nice, system, , , irq, softirq, steal] = cpu.trim().split(/\s+/).slice(1).map(Number);
    return ((user + nice + system + irq + softirq + (steal || 0)) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/**
 * Samples the resident memory of the registered processes every `intervalMs`: each one's RSS when it started
 * being watched, its maximum since then (or since `resetMaximum()`), and the kernel's lifetime peak (VmHWM).
 */
class MemorySampler {
  constructor(intervalMs = 200) {
    /** @type {Map<string, { pid: number; startRssKiB: number; maxRssKiB: number; hwmKiB: number; samples: number }>} */
    this.processes = new Map();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** @param {string} label @param {number} pid */
  watch(label, pid) {
    this.processes.set(label, { pid, startRssKiB: readProc(pid)?.rssKiB ?? NaN, maxRssKiB: 0, hwmKiB: 0, samples: 0 });
    this.sample();
  }

  resetMaximum() {
    for (const entry of this.processes.values()) entry.maxRssKiB = 0;
    this.sample();
  }

  /** Takes a last sample (the kernel's high-water mark included) and stops watching. @param {string} label */
  unwatch(label) {
    this.sampleOne(label);
    const entry = this.processes.get(label);
    if (entry) entry.pid = -1;
  }

  sample() {
    for (const label of this.processes.keys()) this.sampleOne(label);
  }

  /** @param {string} label */
  sampleOne(label) {
    const entry = this.processes.get(label);
    if (!entry || entry.pid < 0) return;
    const proc = readProc(entry.pid);
    if (!proc) return;
    entry.samples++;
    if (proc.rssKiB > entry.maxRssKiB) entry.maxRssKiB = proc.rssKiB;
    if (proc.hwmKiB > entry.hwmKiB) entry.hwmKiB = proc.hwmKiB;
  }

  /** Per label, in MiB: RSS at start, maximum sampled VmRSS, and the kernel's VmHWM. */
  report() {
    /** @type {Record<string, { startRssMiB: number; maxRssMiB: number; peakRssMiB: number; samples: number }>} */
    const out = {};
    const mib = (/** @type {number} */ kib) => Math.round(kib / 102.4) / 10;
    for (const [label, entry] of this.processes) {
      out[label] = { startRssMiB: mib(entry.startRssKiB), maxRssMiB: mib(entry.maxRssKiB), peakRssMiB: mib(entry.hwmKiB), samples: entry.samples };
    }
    return out;
  }

  stop() {
    clearInterval(this.timer);
  }
}

/**
 * Waits until the given processes stop using CPU (less than `thresholdMs` of CPU time per 200 ms), at most
 * `maxMs`: a load generator that stops leaves requests in flight (a password grant's scrypt keeps running), and
 * their work must not spill into the next measurement.
 * @param {number[]} pids @param {{ thresholdMs?: number; maxMs?: number }} [options]
 */
async function waitUntilIdle(pids, { thresholdMs = 20, maxMs = 10_000 } = {}) {
  const deadline = Date.now() + maxMs;
  const total = () => pids.reduce((sum, pid) => sum + (readProc(pid)?.cpuMs ?? 0), 0);
  let before = total();
  while (Date.now() < deadline) {
    await sleep(200);
    const now = total();
    if (now - before < thresholdMs) return;
    before = now;
  }
}

module.exports = {
  startServer,
  runNode,
  stopChild,
  stopAllChildren,
  killAllChildrenNow,
  freePort,
  readProc,
  readMachineBusyMs,
  MemorySampler,
  waitUntilIdle,
  sleep,
};
