// Layering is enforced here (see docs/ARCHITECTURE.md) in two ways:
// - boundaries/dependencies checks every local import on its RESOLVED path, so `../../main/x` from a
//   nested core file is caught however it is spelled;
// - no-restricted-imports forbids packages (node:*, electron, react) per layer, which have no path to resolve.
// test/unit/lint/layering.test.ts lints planted sources with ESLint#lintText to prove both.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Regexes on the import string, so a relative path that merely contains "electron/" is not a package.
const nodeBuiltins = { regex: '^node:', message: 'This layer must not use Node built-ins.' };
const electronPkgs = {
  regex: '^(electron|electron-store)(/.*)?$',
  message: 'Only electron/main and electron/preload may import electron or electron-store.',
};
const reactPkgs = { regex: '^react(-dom)?(/.*)?$', message: 'shared/ is imported by every layer and imports no UI library.' };
const storePkg = { regex: '^electron-store$', message: 'The sandboxed preload sees only shared/ and electron.' };

/** Packages each layer must not import (local folders are checked by LAYER_IMPORTS below). */
export const LAYER_RULES = {
  'shared/**': [nodeBuiltins, electronPkgs, reactPkgs],
  'electron/core/**': [electronPkgs],
  'electron/cli/**': [electronPkgs],
  'electron/mcp/**': [electronPkgs],
  'electron/preload/**': [nodeBuiltins, storePkg],
  'renderer/**': [nodeBuiltins, electronPkgs],
};

/** The folders (layers) and, for each, the local layers it may import: the table in docs/ARCHITECTURE.md. */
export const LAYERS = {
  shared: 'shared',
  core: 'electron/core',
  cli: 'electron/cli',
  mcp: 'electron/mcp',
  main: 'electron/main',
  preload: 'electron/preload',
  renderer: 'renderer',
  // Not layers, but named so that a layer importing them is caught too; they may import anything.
  test: ['test', 'bench'],
  tooling: ['scripts', 'bin'],
};
export const LAYER_IMPORTS = {
  shared: ['shared'],
  core: ['core', 'shared'],
  // `tkw mcp` is registered by the CLI, which loads electron/mcp on demand.
  cli: ['cli', 'mcp', 'core', 'shared'],
  mcp: ['mcp', 'core', 'shared'],
  main: ['main', 'core', 'shared'],
  preload: ['preload', 'shared'],
  renderer: ['renderer', 'shared'],
};
const LAYER_MESSAGES = {
  shared: 'shared/ is imported by every layer and imports none of them.',
  core: 'electron/core is plain Node and knows no face (main, preload, cli, mcp, renderer).',
  cli: 'The CLI runs on plain Node: it may import electron/core, electron/mcp and shared/ only.',
  mcp: 'The MCP server is a face like the CLI: it may import electron/core and shared/ only.',
  main: 'Main talks to the renderer only over IPC.',
  preload: 'The sandboxed preload sees only shared/ and electron.',
  renderer: 'The renderer reaches main only through renderer/api.ts and window.tokenwarden.',
};

const boundariesConfig = {
  files: ['**/*.{ts,tsx,js,mjs,cjs}'],
  plugins: { boundaries },
  settings: {
    'boundaries/elements': Object.entries(LAYERS).map(([type, folder]) => ({ type, pattern: folder, partialMatch: false })),
    'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import'],
    'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs'] } },
  },
  rules: {
    'boundaries/dependencies': [
      'error',
      {
        default: 'allow',
        policies: Object.entries(LAYER_IMPORTS).map(([type, allowed]) => ({
          from: { element: { type } },
          disallow: { to: { element: { types: { noneOf: allowed } }, module: { origin: 'local' } } },
          message: LAYER_MESSAGES[type],
        })),
      },
    ],
  },
};

const NODE_BUILTIN_NAMES = ['fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https', 'tls', 'url', 'util', 'stream', 'events', 'buffer', 'process', 'worker_threads'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tmp/**', 'test-results/**', 'playwright-report/**', 'bench/results/**', 'renderer/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  { files: ['renderer/**'], languageOptions: { globals: { ...globals.browser } } },
  boundariesConfig,
  ...Object.entries(LAYER_RULES).map(([glob, patterns]) => ({
    files: [glob.replace('/**', '/**/*.{ts,tsx,js,mjs,cjs}')],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns,
          // Bare `fs` is as forbidden as `node:fs` where Node is not available.
          paths: patterns.includes(nodeBuiltins) ? NODE_BUILTIN_NAMES.map((name) => ({ name, message: nodeBuiltins.message })) : [],
        },
      ],
    },
  })),
);
