import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // The engine never imports the simulator: it must not know which Asterisk it talks to.
    files: ['src/**/*.ts'],
    ignores: ['src/simulator/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/simulator/**', '**/simulator'], message: 'The engine never imports the ARI simulator.' }] }],
    },
  },
  {
    // Only src/ari talks to ari-client.
    files: ['src/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['src/ari/**', 'scripts/bench/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'ari-client', message: 'Only src/ari imports ari-client.' }], patterns: [{ group: ['**/simulator/**', '**/simulator'], message: 'The engine never imports the ARI simulator.' }] }],
    },
  },
);
