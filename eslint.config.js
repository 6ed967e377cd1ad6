// Layering is enforced here (see docs/ARCHITECTURE.md). Each folder may import only what the
// runtime it runs in provides; test/unit/lint/layering.test.ts plants violations to prove it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = { group: ['node:*'], message: 'This layer must not use Node built-ins.' };
const electronPkgs = {
  group: ['electron', 'electron/*', 'electron-store'],
  message: 'Only electron/main and electron/preload may import electron or electron-store.',
};
const layer = (group, message) => ({ group, message });

export const LAYER_RULES = {
  'shared/**': [
    nodeBuiltins,
    electronPkgs,
    layer(['**/electron/**', '**/renderer/**', 'react', 'react-dom'], 'shared/ is imported by every layer and imports none of them.'),
  ],
  'electron/core/**': [
    electronPkgs,
    layer(['**/electron/main/**', '**/electron/preload/**', '**/electron/cli/**', '**/renderer/**', '../main/**', '../preload/**', '../cli/**'], 'electron/core is plain Node and knows no face.'),
  ],
  'electron/cli/**': [electronPkgs, layer(['**/renderer/**', '**/electron/main/**', '**/electron/preload/**', '../main/**', '../preload/**'], 'The CLI runs on plain Node.')],
  'electron/main/**': [layer(['**/renderer/**'], 'Main talks to the renderer only over IPC.')],
  'electron/preload/**': [
    nodeBuiltins,
    layer(['electron-store', '**/electron/core/**', '**/electron/main/**', '**/electron/cli/**', '**/renderer/**', '../core/**', '../main/**', '../cli/**'], 'The sandboxed preload sees only shared/ and electron.'),
  ],
  'renderer/**': [
    nodeBuiltins,
    electronPkgs,
    layer(['**/electron/**', '../electron/**'], 'The renderer reaches main only through renderer/api.ts and window.tokenwarden.'),
  ],
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
