import { normaliseIp } from '../ipam/ip.js'

/**
 * `?fixed_ips=ip_address=10.0.0.5&fixed_ips=subnet_id=…` (and
 * `ip_address_substr=`, extension ip-substring-filtering): a port matches
 * when one of its fixed IPs satisfies every kind given (any of the values of
 * a kind), as Neutron's joined query does.
 */
export function fixedIpsFilter(item: Record<string, unknown>, values: string[]): boolean {
  const want: Record<string, string[]> = {}
  for (const v of values) {
    const i = v.indexOf('=')
    if (i < 0) continue
    const k = v.slice(0, i)
    const val =
      k === 'ip_address' ? (normaliseIp(v.slice(i + 1)) ?? v.slice(i + 1)) : v.slice(i + 1)
    ;(want[k] ??= []).push(val)
  }
  const fixed =
    (item['fixed_ips'] as Array<{ subnet_id: string; ip_address: string }> | undefined) ?? []
  return fixed.some(
    (f) =>
      (!want['ip_address'] || want['ip_address'].includes(f.ip_address)) &&
      (!want['subnet_id'] || want['subnet_id'].includes(f.subnet_id)) &&
      (!want['ip_address_substr'] ||
        want['ip_address_substr'].some((s) => f.ip_address.includes(s))),
  )
}
