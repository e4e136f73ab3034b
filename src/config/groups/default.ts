import { defineGroup, opt } from '../option.js'

export const defaultGroup = defineGroup('DEFAULT', 'Process-wide settings.', {
  data_dir: opt.string(
    'Directory for the SQLite database, token keys, clouds.yaml and openrc.',
    '.data',
  ),
  listen: opt.string('HOST:PORT the single API listener binds to.', '127.0.0.1:5000'),
  public_endpoint: opt.string(
    'Base URL clients use to reach the listener (catalog URLs are built from it). Empty: http://<listen>.',
    '',
  ),
  transport_url: opt.string(
    'Message bus: inproc:// (one process) or amqp://user:pass@host:5672/vhost (RabbitMQ), as in oslo.messaging.',
    'inproc://',
    { secret: true },
  ),
  debug: opt.bool('Log at debug level.', false),
  log_level: opt.string('Log level.', 'info', {
    choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
  }),
  max_request_body_size: opt.int(
    'Largest request body in bytes; larger bodies are answered with 413.',
    1048576,
    {
      min: 1024,
    },
  ),
  admin_password: opt.string(
    'Password of the admin user created on first start (NUBIS_ADMIN_PASSWORD). Empty: generate one.',
    '',
    { secret: true },
  ),
  region_name: opt.string('Region the bootstrap catalog is created in.', 'RegionOne'),
  shutdown_timeout: opt.int('Seconds SIGTERM waits for in-flight requests before closing.', 30, {
    min: 0,
  }),
  // Neutron's [DEFAULT] options, so neutron.conf snippets work as written.
  base_mac: opt.string(
    'MAC prefix for ports (Neutron): the 00 octets are randomised.',
    'fa:16:3e:00:00:00',
  ),
  global_physnet_mtu: opt.int(
    'MTU of the underlying physical network; tenant MTUs derive from it.',
    1500,
    {
      min: 68,
    },
  ),
})
