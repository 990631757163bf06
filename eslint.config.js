// Type-aware lint for both processes. Boundaries are enforced here as well as by the two tsconfigs:
// the renderer and the shared contract cannot reach Node or Electron, and only the IPC transport
// files may touch ipcMain / ipcRenderer.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = [
  'fs',
  'path',
  'os',
  'child_process',
  'net',
  'http',
  'https',
  'crypto',
  'stream',
  'url',
  'util',
];
const noNodeInBrowserCode = {
  patterns: [{ group: ['node:*'], message: 'Browser code cannot use Node.' }],
  paths: [...nodeBuiltins, 'electron', 'dockerode', 'ws', 'conf', 'electron-store'].map((name) => ({
    name,
    message: 'Browser code (renderer, contract, electron/common) cannot use Node or host-only modules.',
  })),
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'bench/results/**',
      'scripts/**',
      '.ci/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='ipcMain']",
          message: 'Use the contract router (electron/api).',
        },
        { selector: "MemberExpression[object.name='ipcRenderer']", message: 'Use the preload bridge.' },
      ],
    },
  },
  {
    files: ['electron/api/ipc-transport.ts', 'electron/preload.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: [
      'renderer/src/**/*.{ts,tsx}',
      'electron/api/contract.ts',
      'electron/api/contract/**/*.ts',
      'electron/common/**/*.ts',
    ],
    rules: { 'no-restricted-imports': ['error', noNodeInBrowserCode] },
  },
  {
    files: ['renderer/src/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts', 'electron/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
