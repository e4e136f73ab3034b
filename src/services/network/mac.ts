import { randomBytes } from 'node:crypto'

/**
 * A random MAC from Neutron's base_mac: octets given as 00 are randomised
 * (fa:16:3e:00:00:00 → fa:16:3e:xx:xx:xx), the rest kept.
 */
export function generateMac(baseMac: string): string {
  const base = baseMac.toLowerCase().split(':')
  const rnd = randomBytes(6)
  return base
    .map((octet, i) =>
      octet === '00' ? (rnd[i] ?? 0).toString(16).padStart(2, '0') : octet.padStart(2, '0'),
    )
    .join(':')
}

/**
 * Neutron accepts MACs as netaddr does and stores them lower-case with
 * colons; undefined when the text is not a unicast-or-multicast MAC-48.
 */
export function normaliseMac(mac: string): string | undefined {
  if (typeof mac !== 'string') return undefined
  const m =
    /^([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})$/.exec(
      mac,
    )
  if (!m) return undefined
  const out = m.slice(1).join(':').toLowerCase()
  // Neutron rejects only the all-zero and broadcast MACs.
  if (out === '00:00:00:00:00:00' || out === 'ff:ff:ff:ff:ff:ff') return undefined
  return out
}
