/**
 * Turns a transport URL into the broker URLs to try, in order.
 *
 * - `amqp://user:pass@host:port/vhost` and `amqps://…` are used as they are.
 * - `rabbit://user:pass@host:port/vhost` is oslo.messaging's form; it may list several
 *   brokers, `rabbit://u:p@h1:5672,u:p@h2:5672/vhost`, each becoming one `amqp://` URL.
 *
 * An empty vhost (`…:5672/`) means RabbitMQ's default vhost `/`.
 */
export function brokerUrls(transportUrl: string): string[] {
  const match = /^(amqps?|rabbit):\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?$/.exec(transportUrl)
  if (match === null) throw new Error(`invalid RabbitMQ transport URL: ${redact(transportUrl)}`)
  const [, scheme, hosts = '', path = '/', query = ''] = match
  const amqpScheme = scheme === 'rabbit' ? 'amqp' : scheme
  const urls = hosts
    .split(',')
    .filter((host) => host !== '')
    .map((host) => `${amqpScheme}://${host}${path}${query}`)
  if (urls.length === 0) throw new Error(`no broker host in transport URL: ${redact(transportUrl)}`)
  for (const url of urls) {
    // Fail fast on a malformed host or port; amqplib's own error would come later and vaguer.
    if (!URL.canParse(url))
      throw new Error(`invalid RabbitMQ transport URL: ${redact(transportUrl)}`)
  }
  return urls
}

/** The URL with any password replaced, fit for logs and error messages. */
export function redact(url: string): string {
  return url.replace(/(\/\/|,)([^:@/,]*):[^@/,]*@/g, '$1$2:***@')
}
