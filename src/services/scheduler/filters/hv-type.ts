/**
 * Canonical names for image/host matching, after nova/objects/fields.py
 * (Architecture, HVType, VMMode .canonicalize). Beyond Nova, 'vsphere' is
 * taken for 'vmware' (both spellings appear on images), and qemu/kvm count as
 * one family when comparing, since a KVM host runs qemu images and the other
 * way round in Nubis's drivers.
 */
export function canonicalArch(name: string | undefined): string | undefined {
  if (!name) return undefined
  const n = name.toLowerCase()
  if (['i386', 'i486', 'i586', 'x86_32', 'x86_32p'].includes(n)) return 'i686'
  if (n === 'amd64') return 'x86_64'
  return n
}

export function canonicalHvType(name: string | undefined): string | undefined {
  if (!name) return undefined
  const n = name.toLowerCase()
  if (n === 'xapi') return 'xen'
  if (n === 'vsphere' || n === 'vmwareapi' || n === 'esxi') return 'vmware'
  return n
}

export function canonicalVmMode(mode: string | undefined): string | undefined {
  if (!mode) return undefined
  const m = mode.toLowerCase()
  if (m === 'pv') return 'xen'
  if (m === 'hv' || m === 'baremetal') return 'hvm'
  return m
}

/** Equality of two canonical hypervisor types, with qemu and kvm as one family. */
export function sameHvType(a: string, b: string): boolean {
  const fam = (t: string): string => (t === 'kvm' ? 'qemu' : t)
  return fam(a) === fam(b)
}

/** Nova's convert_version_to_str: 7000000 → "7.0.0", 6005000 → "6.5.0". */
export function versionToString(version: number): string {
  const parts: number[] = []
  let v = Math.floor(version)
  while (v > 0) {
    parts.unshift(v % 1000)
    v = Math.floor(v / 1000)
  }
  return parts.length > 0 ? parts.join('.') : '0'
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0)
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/**
 * A VersionPredicate body such as ">=6.0" or ">= 6.0, < 8" against a version
 * string; a malformed predicate matches nothing.
 */
export function versionSatisfies(version: string, predicate: string): boolean {
  const clauses = predicate
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '')
  if (clauses.length === 0) return false
  return clauses.every((clause) => {
    const m = /^(<=|>=|==|!=|<|>)\s*([0-9][0-9.]*)$/.exec(clause)
    if (!m) return false
    const d = compareVersions(version, m[2] ?? '')
    switch (m[1]) {
      case '<':
        return d < 0
      case '<=':
        return d <= 0
      case '>':
        return d > 0
      case '>=':
        return d >= 0
      case '==':
        return d === 0
      default:
        return d !== 0
    }
  })
}
