import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noImport = (groups, message) => ({ group: groups.flatMap((g) => [`**/${g}/**`, `**/${g}/*`, `**/${g}`]), message });

export default tseslint.config(
  { ignores: ['node_modules', '.serverless', '.esbuild', 'coverage', 'tools/bench/results.json'] },
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
    // What ships never knows which cloud it talks to, nor the tools around it.
    files: ['src/**/*.ts', 'functions/**/*.ts'],
    ignores: ['src/steps/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noImport(['sim', 'local', 'tools'], 'What ships (src/, functions/) never imports the simulator, the local runner or the tools.')] }],
    },
  },
  {
    // One file per step: a step's helpers live in steps/shared/ or the domain, never in another step.
    files: ['src/steps/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          noImport(['sim', 'local', 'tools'], 'What ships (src/, functions/) never imports the simulator, the local runner or the tools.'),
          { regex: '^\\./(?!shared/)[^/]+\\.js$', message: 'Steps do not import other steps: move the shared part to src/steps/shared/ or src/domain/.' },
        ],
      }],
    },
  },
  {
    // The simulator could be lifted out as a package: it depends on nothing of the project.
    files: ['sim/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noImport(['src', 'local', 'tools', 'functions'], 'sim/ depends on nothing in src/, local/, tools/: the local runner wires it (local/cloud.ts).')] }],
    },
  },
);
