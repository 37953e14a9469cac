import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * Layers: apps compose; domain logic is pure; data-access does I/O; contracts are leaves.
 * Scopes: a service sees its own code and shared code, never another service's.
 * Tests (and their fixtures) may also use the test harness, tagged type:testing.
 */
/** One scope per bounded context (docs: README, architecture); a service sees only its own and shared code. */
const SERVICE_SCOPES = [
  'case-service',
  'strategy-service',
  'dispatch-service',
  'payment-service',
  'portal',
  'analytics-service',
  'provider-sim',
];

function boundaries(extraForAll) {
  const allow = (...tags) => [...tags, ...extraForAll];
  return {
    enforceBuildableLibDependency: true,
    banTransitiveDependencies: true,
    depConstraints: [
      {
        sourceTag: 'type:app',
        onlyDependOnLibsWithTags: allow('type:domain', 'type:data', 'type:util', 'type:contracts'),
      },
      {
        sourceTag: 'type:domain',
        onlyDependOnLibsWithTags: allow('type:domain', 'type:util', 'type:contracts'),
      },
      {
        sourceTag: 'type:data',
        onlyDependOnLibsWithTags: allow('type:data', 'type:domain', 'type:util', 'type:contracts'),
      },
      { sourceTag: 'type:util', onlyDependOnLibsWithTags: allow('type:util', 'type:contracts') },
      { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: allow('type:contracts') },
      {
        sourceTag: 'type:testing',
        onlyDependOnLibsWithTags: [
          'type:testing',
          'type:data',
          'type:domain',
          'type:util',
          'type:contracts',
        ],
      },
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
      { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:shared', 'scope:cli'] },
      ...SERVICE_SCOPES.map((scope) => ({
        sourceTag: `scope:${scope}`,
        onlyDependOnLibsWithTags: ['scope:shared', `scope:${scope}`],
      })),
    ],
  };
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      '.nx/**',
      'tmp/**',
      'libs/contracts/src/gen/**',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries([])],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/__fixtures__/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@nx/enforce-module-boundaries': ['error', boundaries(['type:testing'])],
    },
  },
  prettier,
);
