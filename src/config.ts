import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { join } from 'node:path';
import { z } from 'zod';
import { MFG_WORLDWIDE_METADATA_URL } from './engine/exchange-trust-rules';
import { AppError } from './errors';

export const DEFAULT_MFG_METADATA_URL = MFG_WORLDWIDE_METADATA_URL;
/** Microsoft Graph, worldwide (GRAPH_BASE_URL's default; the hybrid remedies omit -AzureEnvironment for it). */
export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com';

const emptyToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const optionalText = z.preprocess(emptyToUndefined, z.string().trim().optional());

const uuidOrEmpty = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .trim()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID')
    .optional(),
);

/** A root URL without a version path (the bot appends /v1.0): https only, no trailing slash. */
const rootUrl = (fallback: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .default(fallback)
      .refine((v) => URL.canParse(v) && new URL(v).protocol === 'https:', 'must be an https:// URL')
      .transform((v) => v.replace(/\/+$/, ''))
      .refine(
        (v) => !/\/v1\.0$|\/beta$/.test(v),
        'must not include a version path (/v1.0 is appended)',
      ),
  );

const csv = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
);

/** Five or six cron fields (croner syntax). */
const cron = z
  .string()
  .trim()
  .refine(
    (v) => [5, 6].includes(v.split(/\s+/).length),
    'must be a cron expression with 5 or 6 fields',
  );

const number = (fallback: number, min: number, max: number, int = true) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .refine((n) => !int || Number.isInteger(n), 'must be a whole number')
      .pipe(z.number().min(min).max(max))
      .default(fallback),
  );

/** The environment, as DESIGN §3 lists it. `.env.example` documents every key. */
export const settingsSchema = z
  .object({
    NODE_ENV: optionalText,
    MicrosoftAppId: optionalText,
    MicrosoftAppPassword: optionalText,
    MicrosoftAppType: z.preprocess(
      emptyToUndefined,
      z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('SingleTenant'),
    ),
    MicrosoftAppTenantId: uuidOrEmpty,
    PORT: number(3978, 0, 65535), // 0: any free port (the bot logs and reports the one it got)
    DATABASE_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .trim()
        .default('sqlite:./data/fedtrust.db')
        .refine(
          (v) => /^(sqlite:[^?]+(\?journal=(wal|delete))?|postgres(ql)?:\/\/.+)$/.test(v),
          'must be sqlite:<path>[?journal=wal|delete] or postgres://…',
        )
        .refine(
          (v) =>
            !v.startsWith('postgres') ||
            (URL.canParse(v) &&
              /^([a-z_][a-z0-9_]{0,39})?$/.test(new URL(v).searchParams.get('schema') ?? '')),
          '?schema= must be a lower-case PostgreSQL identifier (letters, digits, _; 40 at most)',
        ),
    ),
    GRAPH_TENANT_ID: uuidOrEmpty,
    GRAPH_CLIENT_ID: uuidOrEmpty,
    GRAPH_CLIENT_SECRET: optionalText,
    GRAPH_CLIENT_CERTIFICATE_PATH: optionalText,
    GRAPH_MANAGED_IDENTITY: z.preprocess(
      emptyToUndefined,
      z
        .enum(['true', 'false'])
        .default('false')
        .transform((v) => v === 'true'),
    ),
    GRAPH_BASE_URL: rootUrl(DEFAULT_GRAPH_BASE_URL),
    LOGIN_BASE_URL: rootUrl('https://login.microsoftonline.com'),
    MFG_METADATA_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .trim()
        .default(DEFAULT_MFG_METADATA_URL)
        .refine(
          (v) => URL.canParse(v) && new URL(v).protocol === 'https:',
          'must be an https:// URL',
        ),
    ),
    SWEEP_CRON: z.preprocess(emptyToUndefined, cron.default('0 * * * *')),
    ALERT_LEAD_DAYS: number(7, 0, 365),
    ESCALATE_AFTER_HOURS: number(4, 0.01, 720, false),
    ALLOWED_TENANT_IDS: csv,
    OUTBOUND_ALLOW_PRIVATE: csv,
    LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
    ),
    COLLECTOR_TOKEN: optionalText,
    METRICS_TOKEN: optionalText,
  })
  .superRefine((s, ctx) => {
    if (s.GRAPH_MANAGED_IDENTITY) {
      if (s.GRAPH_CLIENT_SECRET || s.GRAPH_CLIENT_CERTIFICATE_PATH)
        ctx.addIssue({
          code: 'custom',
          path: ['GRAPH_MANAGED_IDENTITY'],
          message:
            'a managed identity needs no GRAPH_CLIENT_SECRET or GRAPH_CLIENT_CERTIFICATE_PATH: remove them',
        });
      return checkBot(s, ctx);
    }
    const graph = [
      s.GRAPH_TENANT_ID,
      s.GRAPH_CLIENT_ID,
      s.GRAPH_CLIENT_SECRET ?? s.GRAPH_CLIENT_CERTIFICATE_PATH,
    ];
    if (graph.some(Boolean) && !graph.every(Boolean)) {
      ctx.addIssue({
        code: 'custom',
        path: ['GRAPH_TENANT_ID'],
        message:
          'Graph needs GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET or GRAPH_CLIENT_CERTIFICATE_PATH together (or none of them)',
      });
    }
    if (s.GRAPH_CLIENT_SECRET && s.GRAPH_CLIENT_CERTIFICATE_PATH) {
      ctx.addIssue({
        code: 'custom',
        path: ['GRAPH_CLIENT_SECRET'],
        message: 'set GRAPH_CLIENT_SECRET or GRAPH_CLIENT_CERTIFICATE_PATH, not both',
      });
    }
    checkBot(s, ctx);
  });

/** The Bot Framework identity: a password unless it is a user-assigned managed identity. */
function checkBot(
  s: {
    MicrosoftAppId?: string;
    MicrosoftAppPassword?: string;
    MicrosoftAppType: string;
    MicrosoftAppTenantId?: string;
  },
  ctx: z.RefinementCtx,
): void {
  if (s.MicrosoftAppId && s.MicrosoftAppType !== 'UserAssignedMSI' && !s.MicrosoftAppPassword) {
    ctx.addIssue({
      code: 'custom',
      path: ['MicrosoftAppPassword'],
      message: 'is required with MicrosoftAppId',
    });
  }
  if (s.MicrosoftAppId && s.MicrosoftAppType === 'SingleTenant' && !s.MicrosoftAppTenantId) {
    ctx.addIssue({
      code: 'custom',
      path: ['MicrosoftAppTenantId'],
      message: 'is required for a SingleTenant bot',
    });
  }
  if (s.MicrosoftAppId && s.MicrosoftAppType === 'UserAssignedMSI' && !s.MicrosoftAppTenantId) {
    ctx.addIssue({
      code: 'custom',
      path: ['MicrosoftAppTenantId'],
      message: 'is required for a UserAssignedMSI bot (the tenant of the managed identity)',
    });
  }
}

type RawSettings = z.output<typeof settingsSchema>;

/**
 * How the bot signs in to Graph, app-only: an app registration with a secret or a certificate, or a
 * managed identity (user-assigned when `clientId` is given; no secret anywhere).
 */
export type GraphSettings =
  | {
      managedIdentity?: false;
      tenantId: string;
      clientId: string;
      clientSecret?: string;
      certificatePath?: string;
    }
  | { managedIdentity: true; clientId?: string };

export interface Settings extends Readonly<RawSettings> {
  /** No MicrosoftAppId: no token check, 127.0.0.1 only. */
  readonly localMode: boolean;
  readonly graph?: Readonly<GraphSettings>;
}

/**
 * Validates the environment once, reporting every problem in one message, and freezes the result.
 * The only place that reads settings (STYLE.md "Config").
 */
export function loadSettings(
  env: Record<string, string | undefined>,
  options: { server?: boolean } = {},
): Settings {
  const parsed = settingsSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`);
  // Local mode has no token check: the server refuses it in production (the CLI serves no one).
  if (options.server && !env.MicrosoftAppId?.trim() && env.NODE_ENV === 'production') {
    problems.push(
      'MicrosoftAppId: is required when NODE_ENV=production (local mode has no token check)',
    );
  }
  if (!parsed.success || problems.length > 0) {
    throw new AppError('CONFIG_INVALID', `Invalid settings:\n- ${problems.join('\n- ')}`);
  }
  const s = parsed.data;
  const graph: GraphSettings | undefined = s.GRAPH_MANAGED_IDENTITY
    ? Object.freeze({ managedIdentity: true as const, clientId: s.GRAPH_CLIENT_ID })
    : s.GRAPH_TENANT_ID && s.GRAPH_CLIENT_ID
      ? Object.freeze({
          tenantId: s.GRAPH_TENANT_ID,
          clientId: s.GRAPH_CLIENT_ID,
          clientSecret: s.GRAPH_CLIENT_SECRET,
          certificatePath: s.GRAPH_CLIENT_CERTIFICATE_PATH,
        })
      : undefined;
  return Object.freeze({
    ...s,
    ALLOWED_TENANT_IDS: Object.freeze([...s.ALLOWED_TENANT_IDS]) as string[],
    OUTBOUND_ALLOW_PRIVATE: Object.freeze([...s.OUTBOUND_ALLOW_PRIVATE]) as string[],
    localMode: !s.MicrosoftAppId,
    graph,
  });
}

/**
 * The environment, with `.env` of `dir` (the working directory) read into it when the file exists
 * (DESIGN §3): a variable already set in the environment wins over the file.
 */
export function readEnvironment(dir: string = process.cwd()): NodeJS.ProcessEnv {
  const file = join(dir, '.env');
  if (!existsSync(file)) return process.env;
  let values: Record<string, string>;
  try {
    values = parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch (error) {
    throw new AppError('CONFIG_INVALID', `${file} could not be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  for (const [key, value] of Object.entries(values)) process.env[key] ??= value;
  return process.env;
}
