// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const impure = [
  'botbuilder',
  'botbuilder-*',
  'restify',
  'undici',
  'pg',
  'pg-boss',
  'better-sqlite3',
  'kysely',
  'pino',
  'croner',
  '@microsoft/microsoft-graph-client',
  '@azure/identity',
  'node:fs',
  'node:fs/promises',
  'node:http',
  'node:https',
  'node:net',
  'node:dns',
  'node:tls',
  'node:child_process',
  'node:process',
  'fs',
  'http',
  'https',
  'net',
  'dns',
  'tls',
  'child_process',
];

/** Only AppError (src/errors.ts) is thrown: no built-in Error kind, no other Error subclass. */
const codedErrorsOnly = [
  {
    selector:
      'NewExpression[callee.name=/^(RangeError|TypeError|SyntaxError|ReferenceError|EvalError|URIError|AggregateError)$/]',
    message: 'Throw an AppError with a code from src/errors.ts.',
  },
  {
    selector: ':matches(ClassDeclaration, ClassExpression)[superClass.name=/Error$/]',
    message: 'AppError (src/errors.ts) is the one Error subclass: add a code to its catalogue.',
  },
];

/** A layer that must not reach into others (DESIGN §5: data flows one way). */
const layer = (files, forbidden, why) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: [{ group: forbidden, message: why }] }],
  },
});

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'coverage/',
      'node_modules/',
      'test-output/',
      'build/',
      'bin/',
      'scripts/*.cjs', // plain Node (runs before any compiler is installed)
      'bench/*.cjs', // plain Node on dist/, so bench figures carry no TypeScript loader
      'test/support/browser/',
      '*.config.js',
      '*.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The engine is the functional core: no I/O, no clock, no environment (STYLE.md, DESIGN §5).
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: impure.filter((p) => !p.includes('*')),
          patterns: impure.filter((p) => p.includes('*')),
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'The engine reads no environment.' },
        { name: 'fetch', message: 'The engine does no I/O.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Pass `now` in: the engine has no clock.',
        },
        {
          selector: 'NewExpression[callee.name="Date"][arguments.length=0]',
          message: 'Pass `now` in: the engine has no clock.',
        },
      ],
    },
  },
  {
    // Adapters throw coded AppErrors from src/errors.ts, never ad-hoc Errors (STYLE.md "Errors").
    files: ['src/**/*.ts'],
    ignores: ['src/errors.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ThrowStatement > NewExpression[callee.name='Error']",
          message: 'Throw an AppError with a code from src/errors.ts.',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Use the injected clock.',
        },
        ...codedErrorsOnly,
      ],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ThrowStatement > NewExpression[callee.name='Error']",
          message: 'The engine returns findings; it throws only AppErrors for programmer errors.',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Pass `now` in: the engine has no clock.',
        },
        {
          selector: 'NewExpression[callee.name="Date"][arguments.length=0]',
          message: 'Pass `now` in: the engine has no clock.',
        },
        ...codedErrorsOnly,
      ],
    },
  },
  layer(
    ['src/cards/**/*.ts'],
    ['../*', '!../engine', '!../engine/*'],
    'Cards render what the engine derived: they import the engine only.',
  ),
  layer(
    ['src/store/**/*.ts'],
    ['../alerts/*', '../bot/*', '../cards/*', '../sources/*', '../checks/*', '../use-cases/*'],
    'The store persists what it is told: it imports the engine and its own modules only.',
  ),
  layer(
    ['src/sources/**/*.ts'],
    ['../checks/*', '../bot/*', '../alerts/*', '../use-cases/*'],
    'Sources are adapters at the edge: they never call checks, the bot or the alerts.',
  ),
  layer(
    ['src/use-cases/**/*.ts'],
    ['botbuilder', 'botbuilder-*', '../bot/*', '../cards/*'],
    'Use cases hold the rules, not the Teams mechanics or the cards.',
  ),
  layer(
    ['src/bot/handlers/**/*.ts'],
    ['./*'],
    'Handlers never import each other: shared turn mechanics live in bot/reply.ts, shared cards in bot/check-cards.ts.',
  ),
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/unbound-method': 'off',
      'no-restricted-syntax': 'off',
    },
  },
);
