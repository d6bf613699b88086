// Lint for the sidebar (labextension/) and its UI tests. Formatting belongs to prettier, so the
// eslint-config-prettier preset switches off the stylistic rules that would fight it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import prettier from 'eslint-config-prettier';
import i18next from 'eslint-plugin-i18next';

export default tseslint.config(
  {
    ignores: [
      'lib/**',
      'node_modules/**',
      'jupyter_optiserve/**',
      'ui-tests/**',
      '**/*.js',
      '**/*.mjs'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['labextension/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ]
    }
  },
  {
    // Every string a user reads in the sidebar goes through trans.__() (docs/ui.md, "Translated
    // strings"): JSX text and the attributes people or screen readers read may not be literals.
    files: ['labextension/components/**/*.tsx', 'labextension/widget.tsx'],
    plugins: { i18next },
    rules: {
      'i18next/no-literal-string': [
        'error',
        {
          mode: 'jsx-only',
          'jsx-attributes': {
            exclude: [
              'className',
              'style',
              'type',
              'key',
              'id',
              'role',
              'htmlFor',
              'name',
              'href',
              'target',
              'rel',
              'autoComplete',
              'inputMode',
              'lang',
              'dir',
              'tabIndex',
              'width',
              'height',
              'viewBox',
              'd',
              'fill',
              'stroke',
              'preserveAspectRatio',
              'textAnchor',
              'dominantBaseline',
              'aria-live',
              'aria-hidden',
              'aria-controls',
              'aria-labelledby',
              'aria-describedby',
              'aria-current',
              'aria-haspopup',
              'aria-orientation',
              'data-.*',
              'tone',
              'kind',
              'variant',
              'size',
              'level',
              'testId',
              'metric'
            ]
          },
          callees: {
            exclude: [
              'trans\\.(__|_n|_p|_np)',
              'focusWhenRendered',
              'performance\\.(mark|measure)',
              '.*\\.(querySelector|querySelectorAll|closest|matches)',
              'classes',
              'Error',
              'cell',
              'pct',
              'n',
              '.*\\.(toLocaleString|includes|startsWith|endsWith|indexOf|split|join|replace)'
            ]
          }
        }
      ]
    }
  },
  prettier
);
