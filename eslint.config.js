// ESLint flat config: type-aware typescript-eslint, import cycles, and the
// layer rules of STYLE.md as no-restricted-imports (one block per folder; a
// narrower block restates every restriction it needs, since it replaces the
// broader block's options).
import js from '@eslint/js'
import importX from 'eslint-plugin-import-x'
import tseslint from 'typescript-eslint'

const layer = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
})
const no = (group, message) => ({ group, message })

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bin/**', '.tempest/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      'import-x/no-cycle': 'error',
    },
  },
  {
    files: ['**/*.test.ts', 'src/**/testing.ts', 'src/bench/**'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  layer(
    ['src/common/**'],
    [no(['../*', '!../common/*'], 'common/ imports nothing else from src/')],
  ),
  layer(
    ['src/config/**'],
    [
      no(
        ['**/db/**', '**/bus/**', '**/api/**', '**/services/**', '**/cmd/**', '**/virt/**'],
        'config/ depends only on common/',
      ),
    ],
  ),
  layer(
    ['src/db/**'],
    [
      no(
        ['**/bus/**', '**/api/**', '**/services/**', '**/cmd/**', '**/virt/**'],
        'db/ depends only on common/ and config/',
      ),
    ],
  ),
  layer(
    ['src/bus/**'],
    [
      no(
        ['**/db/**', '**/api/**', '**/services/**', '**/cmd/**', '**/virt/**'],
        'bus/ depends only on common/ and config/',
      ),
    ],
  ),
  layer(
    ['src/api/**'],
    [
      no(
        ['**/db/**', '**/services/**', '**/cmd/**', '**/virt/**'],
        'api/ is the shared HTTP layer: services plug into it',
      ),
    ],
  ),
  layer(
    ['src/services/**'],
    [no(['**/cmd/**'], 'services never import process entry points (except test helpers)')],
  ),
  layer(['src/services/**/testing.ts', 'src/services/**/*.test.ts'], []),
)
