import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', '.serverless', '.esbuild', 'coverage', 'bench/results.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Production code must not know which cloud it talks to.
    files: ['src/domain/**/*.ts', 'src/aws/**/*.ts', 'src/steps/**/*.ts', 'src/lambda/**/*.ts', 'src/env.ts', 'functions/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/cloud/**', '**/cloud/*'], message: 'Production code never imports the embedded cloud.' }] }],
    },
  },
);
