import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noSimulator = {
  group: ['**/simulator/**', '**/simulator'],
  message: 'The engine never imports the ARI simulator.',
};
const noAriClient = { name: 'ari-client', message: 'Only src/ari imports ari-client.' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', '**/*.tmp.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // The engine never imports the simulator (it must not know which Asterisk it talks to), and
    // only src/ari talks to ari-client.
    files: ['src/**/*.ts'],
    ignores: ['src/simulator/**', 'src/ari/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noAriClient], patterns: [noSimulator] }] },
  },
  {
    files: ['src/ari/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noSimulator] }] },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
