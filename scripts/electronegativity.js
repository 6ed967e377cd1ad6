#!/usr/bin/env node
// `npm run lint:electron`: electronegativity (SECURITY E8) over electron/main and electron/preload,
// scanned together so its global checks (navigation limits, permission handler) see the whole shell.
// Offline and fast: the tool's two network calls (a translations download on every run and the Electron
// release list for AvailableSecurityFixesGlobalCheck) are stubbed out; keeping Electron current is left
// to dependency updates. Fails on every MEDIUM-or-higher finding (and any from ALWAYS_COUNT) that is not
// accepted below with a reason.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
export const SCANNED = ['electron/main', 'electron/preload'];

/** Findings we accept, by check id and file (relative to the scanned tree), each with the reason. */
export const ACCEPTED = [
  {
    id: 'CSP_GLOBAL_CHECK',
    file: 'N/A',
    reason:
      'The CSP is a response header set by the app:// protocol handler (electron/main/app-protocol.ts); ' +
      'the tool only recognises CSPs in HTML meta tags or webRequest hooks. test/e2e checks it (E3).',
  },
  {
    id: 'OPEN_EXTERNAL_JS_CHECK',
    file: 'main/open-external.ts',
    reason: 'shell.openExternal is called only for https URLs whose exact origin is allow-listed (E4); unit-tested with file:, smb: and look-alike hosts.',
  },
];

/**
 * Checks whose every finding counts, whatever severity the tool gives it: it rates an explicit
 * `nodeIntegration: true` INFORMATIONAL, yet E1/E8 say that alone must fail the job.
 */
export const ALWAYS_COUNT = new Set([
  'NODE_INTEGRATION_JS_CHECK',
  'NODE_INTEGRATION_ATTACH_EVENT_JS_CHECK',
  'CONTEXT_ISOLATION_JS_CHECK',
  'SANDBOX_JS_CHECK',
  'WEB_SECURITY_JS_CHECK',
  'INSECURE_CONTENT_JS_CHECK',
  'EXPERIMENTAL_FEATURES_JS_CHECK',
  'BLINK_FEATURES_JS_CHECK',
  'REMOTE_MODULE_JS_CHECK',
  'CERTIFICATE_VERIFY_PROC_JS_CHECK',
  'CERTIFICATE_ERROR_EVENT_JS_CHECK',
]);

const require = createRequire(import.meta.url);

function loadRunner() {
  const pkgDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));
  const gotPath = require.resolve('got', { paths: [pkgDir] });
  const offline = () => Promise.reject(new Error('electronegativity runs offline here'));
  // Pre-seed the module cache so every `require('got')` inside the tool gets the offline stub.
  require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: Object.assign(offline, { default: offline, head: offline }) };
  return require(path.join(pkgDir, 'dist/runner.js'));
}

/**
 * Scans `dirs` (relative to `base`) as one tree; returns the findings at MEDIUM or higher (plus ALWAYS_COUNT) and parse
 * errors. The tool prints a line when its translations download fails; that is silenced too.
 */
export async function scanElectronShell({ base = root, dirs = SCANNED, electronVersion } = {}) {
  const staging = mkdtempSync(path.join(tmpdir(), 'tw-electronegativity-'));
  const log = console.log;
  try {
    for (const dir of dirs) cpSync(path.join(base, dir), path.join(staging, path.basename(dir)), { recursive: true });
    const run = loadRunner();
    console.log = () => undefined;
    const result = await run({
      input: staging,
      customScan: [],
      excludeFromScan: ['availablesecurityfixesglobalcheck'],
      isRelative: true,
      isVerbose: false,
      parserPlugins: [],
      electronVersionOverride: electronVersion ?? require('electron/package.json').version,
    });
    const findings = result.issues
      .filter((issue) => issue.severity.value >= 2 || ALWAYS_COUNT.has(issue.id))
      .map((issue) => ({ id: issue.id, severity: issue.severity.name, file: issue.file, line: issue.location.line, description: issue.description }));
    return { findings, errors: result.errors.filter((e) => !e.tolerable) };
  } finally {
    console.log = log;
    rmSync(staging, { recursive: true, force: true });
  }
}

export function unaccepted(findings, accepted = ACCEPTED) {
  return findings.filter((f) => !accepted.some((a) => a.id === f.id && a.file === f.file));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { findings, errors } = await scanElectronShell();
  const bad = unaccepted(findings);
  for (const f of findings) {
    const accepted = !bad.includes(f);
    console.log(`${accepted ? 'accepted' : 'FINDING '} ${f.severity.padEnd(6)} ${f.id} ${f.file}:${f.line}`);
  }
  for (const e of errors) console.error(`parse error in ${e.file}: ${e.message}`);
  if (bad.length > 0 || errors.length > 0) {
    console.error(`electronegativity: ${bad.length} finding(s) and ${errors.length} parse error(s) in ${SCANNED.join(', ')}; fix them or accept them with a reason in scripts/electronegativity.js.`);
    process.exit(1);
  }
  console.log(`electronegativity: ${SCANNED.join(', ')} clean (${findings.length} accepted).`);
}
