/**
 * Nova's extra_specs_ops.match: a requirement string is either a literal
 * (exact string equality) or an operator followed by operands:
 * `=` (numeric >=), `==`, `!=`, `>=`, `<=` (numeric), `s==`, `s!=`, `s<`,
 * `s<=`, `s>`, `s>=` (string), `<in>` (substring), `<all-in>` (every operand a
 * substring), `<or>` (`<or> a <or> b`: equal to any).
 */
const num = (f: (a: number, b: number) => boolean) => (x: string, y: string) => {
  const a = Number(x)
  const b = Number(y)
  return x.trim() !== '' && y.trim() !== '' && !Number.isNaN(a) && !Number.isNaN(b) && f(a, b)
}

const ops: Record<string, (x: string, y: string) => boolean> = {
  '=': num((a, b) => a >= b),
  '==': num((a, b) => a === b),
  '!=': num((a, b) => a !== b),
  '>=': num((a, b) => a >= b),
  '<=': num((a, b) => a <= b),
  '<in>': (x, y) => x.includes(y),
  's==': (x, y) => x === y,
  's!=': (x, y) => x !== y,
  's<': (x, y) => x < y,
  's<=': (x, y) => x <= y,
  's>': (x, y) => x > y,
  's>=': (x, y) => x >= y,
}

export function matchExtraSpec(value: string | undefined, req: string): boolean {
  const words = req.split(/\s+/).filter((w) => w !== '')
  const op = words.shift()
  if (op === undefined || (op !== '<or>' && op !== '<all-in>' && !(op in ops))) return value === req
  if (value === undefined) return false
  if (op === '<or>') {
    // words alternate: v1 <or> v2 <or> v3
    for (let i = 0; i < words.length; i += 2) if (words[i] === value) return true
    return false
  }
  if (words.length === 0) return false
  if (op === '<all-in>') return words.every((w) => value.includes(w))
  const method = ops[op]
  return method !== undefined && method(value, words[0] ?? '')
}
