#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function and per module (npm package,
 * Node core area, the app, the library), and inclusive time per module (samples with that module anywhere on the
 * stack). Optionally only the samples inside a time window (CLOCK_MONOTONIC microseconds, the clock V8's
 * profile timestamps and process.hrtime() share on Linux), so a profile can be cut to the load phase.
 *
 *   node test/bench/cpuprofile-summary.js PROFILE.cpuprofile [--top 25] [--callers FUNCTION_NAME]
 *
 * `--callers NAME` also lists, for the functions of that name, the time spent under them by calling frame.
 */

const { readFileSync } = require('node:fs');

/**
 * @typedef {{ functionName: string; url: string; lineNumber: number; columnNumber: number }} CallFrame
 * @typedef {{ id: number; callFrame: CallFrame; children?: number[]; hitCount?: number }} ProfileNode
 * @typedef {{ nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }} CpuProfile
 */

const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

/** Which part of the program a frame belongs to. @param {CallFrame} frame */
function moduleOf(frame) {
  const url = frame.url.replace(/^file:\/\//, '');
  if (url === '') return SPECIAL.has(frame.functionName) ? frame.functionName : '(native / V8 builtins)';
  if (url.startsWith('node:')) {
    const path = url.slice('node:'.length).replace(/^internal\//, '');
    return `node:${path.split('/')[0].replace(/\.js$/, '')}`;
  }
  const nodeModules = url.lastIndexOf('/node_modules/');
  if (nodeModules >= 0) {
    const [scopeOrName, name] = url.slice(nodeModules + '/node_modules/'.length).split('/');
    return scopeOrName.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName;
  }
  if (/\/libs\/oauth\//.test(url)) return '@app/oauth (libs/oauth)';
  if (/\/apps\/api\//.test(url)) return 'apps/api';
  return url;
}

/** A readable location: the path from node_modules/, libs/ or apps/ on. @param {CallFrame} frame */
function locationOf(frame) {
  const url = frame.url.replace(/^file:\/\//, '');
  if (url === '') return '';
  const short = /(?:.*\/node_modules\/|.*\/(?=(?:libs|apps)\/))(.*)$/.exec(url)?.[1] ?? url;
  return `${short}:${frame.lineNumber + 1}`;
}

/**
 * @param {CpuProfile} profile
 * @param {{ fromUs?: number; toUs?: number; top?: number; callersOf?: string }} [options]
 */
function summarizeProfile(profile, { fromUs = -Infinity, toUs = Infinity, top = 25, callersOf } = {}) {
  /** @type {Map<number, ProfileNode>} */
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  /** @type {Map<number, number>} */
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

  // Each sample lasts until the next one (as Chrome DevTools counts it).
  const times = [];
  let t = profile.startTime;
  for (const delta of profile.timeDeltas) times.push((t += delta));
  /** @type {Map<number, number>} node id -> self microseconds */
  const self = new Map();
  let totalUs = 0;
  let windowStart = Infinity;
  let windowEnd = -Infinity;
  for (let i = 0; i < profile.samples.length; i++) {
    const at = times[i];
    if (at < fromUs || at > toUs) continue;
    const duration = i + 1 < times.length ? times[i + 1] - at : 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + duration);
    totalUs += duration;
    windowStart = Math.min(windowStart, at);
    windowEnd = Math.max(windowEnd, at + duration);
  }

  /** @type {Map<number, string[]>} node id -> modules on its stack, memoised */
  const stackModules = new Map();
  /** @param {number} id @returns {string[]} */
  const modulesOnStack = (id) => {
    const known = stackModules.get(id);
    if (known) return known;
    const node = /** @type {ProfileNode} */ (nodes.get(id));
    const parent = parents.get(id);
    const above = parent === undefined ? [] : modulesOnStack(parent);
    const own = moduleOf(node.callFrame);
    const modules = above.includes(own) ? above : [...above, own];
    stackModules.set(id, modules);
    return modules;
  };

  /** @type {Map<string, { function: string; location: string; module: string; selfUs: number }>} */
  const byFunction = new Map();
  /** @type {Map<string, number>} */
  const moduleSelf = new Map();
  /** @type {Map<string, number>} */
  const moduleInclusive = new Map();
  /** @type {Map<string, number>} caller frame -> microseconds under a `callersOf` function */
  const callers = new Map();
  for (const [id, us] of self) {
    const frame = /** @type {ProfileNode} */ (nodes.get(id)).callFrame;
    const module = moduleOf(frame);
    const key = `${frame.functionName}|${frame.url}|${frame.lineNumber}|${frame.columnNumber}`;
    const entry = byFunction.get(key) ?? { function: frame.functionName || '(anonymous)', location: locationOf(frame), module, selfUs: 0 };
    entry.selfUs += us;
    byFunction.set(key, entry);
    moduleSelf.set(module, (moduleSelf.get(module) ?? 0) + us);
    for (const onStack of modulesOnStack(id)) moduleInclusive.set(onStack, (moduleInclusive.get(onStack) ?? 0) + us);
    if (callersOf) {
      // The outermost frame of that name on this stack, and the frame that called it.
      let found;
      for (let cursor = /** @type {number | undefined} */ (id); cursor !== undefined; cursor = parents.get(cursor)) {
        if (/** @type {ProfileNode} */ (nodes.get(cursor)).callFrame.functionName === callersOf) found = cursor;
      }
      const callerId = found === undefined ? undefined : parents.get(found);
      if (callerId !== undefined) {
        const caller = /** @type {ProfileNode} */ (nodes.get(callerId)).callFrame;
        const name = `${caller.functionName || '(anonymous)'} ${locationOf(caller)}`;
        callers.set(name, (callers.get(name) ?? 0) + us);
      }
    }
  }

  const idleUs = moduleSelf.get('(idle)') ?? 0;
  const busyUs = totalUs - idleUs;
  const pct = (/** @type {number} */ us, /** @type {number} */ of) => (of > 0 ? Math.round((1000 * us) / of) / 10 : 0);
  const ms = (/** @type {number} */ us) => Math.round(us / 100) / 10;
  return {
    windowMs: ms(Number.isFinite(windowEnd - windowStart) ? windowEnd - windowStart : 0),
    sampledMs: ms(totalUs),
    busyMs: ms(busyUs),
    idlePercent: pct(idleUs, totalUs),
    /** Percentages are of busy (non-idle) time. */
    topFunctions: [...byFunction.values()]
      .filter((entry) => entry.function !== '(idle)')
      .sort((a, b) => b.selfUs - a.selfUs)
      .slice(0, top)
      .map((entry) => ({
        function: entry.function,
        location: entry.location,
        module: entry.module,
        selfMs: ms(entry.selfUs),
        selfPercent: pct(entry.selfUs, busyUs),
      })),
    modulesBySelf: [...moduleSelf.entries()]
      .filter(([module]) => module !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([module, us]) => ({ module, selfMs: ms(us), selfPercent: pct(us, busyUs) })),
    modulesByInclusive: [...moduleInclusive.entries()]
      .filter(([module]) => !SPECIAL.has(module))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([module, us]) => ({ module, inclusiveMs: ms(us), inclusivePercent: pct(us, busyUs) })),
    ...(callersOf
      ? {
          callers: [...callers.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, top)
            .map(([caller, us]) => ({ caller, inclusivePercent: pct(us, busyUs) })),
        }
      : {}),
  };
}

/** @param {ReturnType<typeof summarizeProfile>} summary @param {string} title */
function formatSummary(summary, title) {
  const lines = [
    `\n#### ${title}`,
    '',
    `window ${summary.windowMs} ms, sampled ${summary.sampledMs} ms, busy ${summary.busyMs} ms (idle ${summary.idlePercent} %); percentages are of busy time`,
    '',
  ];
  lines.push('| self % | self ms | function | location | module |', '| ---: | ---: | --- | --- | --- |');
  for (const f of summary.topFunctions) lines.push(`| ${f.selfPercent} | ${f.selfMs} | \`${f.function}\` | ${f.location} | ${f.module} |`);
  lines.push('', '| module | self % | inclusive % |', '| --- | ---: | ---: |');
  const inclusive = new Map(summary.modulesByInclusive.map((m) => [m.module, m.inclusivePercent]));
  const selfOf = new Map(summary.modulesBySelf.map((m) => [m.module, m.selfPercent]));
  const modules = [...new Set([...selfOf.keys(), ...inclusive.keys()])];
  modules.sort((a, b) => (selfOf.get(b) ?? 0) - (selfOf.get(a) ?? 0));
  for (const module of modules) lines.push(`| ${module} | ${selfOf.get(module) ?? '<'} | ${inclusive.get(module) ?? '–'} |`);
  if (summary.callers) {
    lines.push('', '| calling frame | inclusive % |', '| --- | ---: |');
    for (const c of summary.callers) lines.push(`| ${c.caller} | ${c.inclusivePercent} |`);
  }
  return lines.join('\n');
}

module.exports = { summarizeProfile, formatSummary, moduleOf };

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node test/bench/cpuprofile-summary.js PROFILE.cpuprofile [--top N] [--callers FUNCTION_NAME]\n');
    process.exit(2);
  }
  const option = (/** @type {string} */ name) => {
    const index = process.argv.indexOf(name);
    return index > 0 ? process.argv[index + 1] : undefined;
  };
  const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), { top: Number(option('--top') ?? 25), callersOf: option('--callers') });
  process.stdout.write(`${formatSummary(summary, file)}\n`);
}
