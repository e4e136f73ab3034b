import { defineGroup, opt } from '../option.js'

export const identityGroup = defineGroup('identity', 'Identity service (Keystone v3).', {
  token_expiration: opt.int('Lifetime of a token in seconds.', 3600, {
    min: 60,
    aliases: ['expiration'],
  }),
  password_hash_log_n: opt.int(
    "scrypt cost as log2(N) with r=8, p=1. 17 (128 MiB, ~0.3 s here) is at least as costly to guess as bcrypt cost 12, Keystone's default.",
    17,
    { min: 10, max: 20 },
  ),
  max_active_keys: opt.int(
    'Token signing keys kept in <data_dir>/token-keys (primary + secondaries).',
    3,
    { min: 2 },
  ),
  allow_expired_window: opt.int(
    'Seconds after expiry a token may still be fetched with allow_expired.',
    172800,
    {
      min: 0,
    },
  ),
  validation_cache_size: opt.int('Validated tokens kept in memory per process.', 10000, { min: 0 }),
  default_domain_id: opt.string('Id of the Default domain.', 'default'),
})

export const securityComplianceGroup = defineGroup(
  'security_compliance',
  'Password and lockout rules (Keystone PCI-DSS options).',
  {
    lockout_failure_attempts: opt.int(
      'Failed password attempts before a user is locked (0: never).',
      0,
      { min: 0 },
    ),
    lockout_duration: opt.int('Seconds a locked user stays locked.', 1800, { min: 1 }),
    unique_last_password_count: opt.int(
      'A new password must differ from this many previous ones (1: only the current).',
      0,
      {
        min: 0,
      },
    ),
    minimum_password_age: opt.int('Days before a user may change their own password again.', 0, {
      min: 0,
    }),
    password_expires_days: opt.int('Days until a password expires (0: never).', 0, { min: 0 }),
    change_password_upon_first_use: opt.bool(
      'Force users to change an admin-set password before use.',
      false,
    ),
    password_regex: opt.string('Regex every new password must match (empty: none).', ''),
    password_regex_description: opt.string(
      'Plain-language form of password_regex for error messages.',
      '',
    ),
  },
)
