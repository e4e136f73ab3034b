import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { imageSchema } from './image-schema.js'
import { parsePatch } from './image-patch.js'
import { pyRepr, validate } from './json-schema.js'

const schema = imageSchema({ disk: ['raw', 'qcow2'], container: ['bare'] })
const V21 = 'application/openstack-images-v2.1-json-patch'

describe('JSON patch parsing (Glance RequestDeserializer.update)', () => {
  it('decodes pointers with escapes and both drafts', () => {
    const [a] = parsePatch(V21, [{ op: 'add', path: '/a~1b~0c', value: 'x' }], schema)
    assert.deepEqual(a?.path, ['a/b~c'])
    const [b] = parsePatch(
      'application/openstack-images-v2.0-json-patch',
      [{ remove: '/foo' }],
      schema,
    )
    assert.equal(b?.op, 'remove')
    const [l] = parsePatch(
      V21,
      [{ op: 'add', path: '/locations/-', value: { url: 'http://x', metadata: {} } }],
      schema,
    )
    assert.deepEqual(l?.path, ['locations', '-'])
  })

  it('rejects bad operations with Glance statuses', () => {
    const status = (ct: string, body: unknown): number => {
      try {
        parsePatch(ct, body, schema)
        return 200
      } catch (err) {
        return (err as { status: number }).status
      }
    }
    assert.equal(status('application/json', []), 415)
    assert.equal(status(V21, {}), 400)
    assert.equal(status(V21, ['x']), 400)
    assert.equal(status(V21, [{ path: '/a', value: 'x' }]), 400)
    assert.equal(status(V21, [{ op: 'add', path: '/a//b', value: 'x' }]), 400)
    assert.equal(status(V21, [{ op: 'add', path: '/a/', value: 'x' }]), 400)
    assert.equal(status(V21, [{ op: 'add', path: '/a~2', value: 'x' }]), 400)
    assert.equal(status(V21, [{ op: 'add', path: '/a/b', value: 'x' }]), 400)
    assert.equal(status(V21, [{ op: 'add', path: '/a', value: 1 }]), 400)
    assert.equal(status(V21, [{ op: 'add', path: '/id', value: 'x' }]), 403)
    assert.equal(status(V21, [{ op: 'add', path: '/deleted', value: 'x' }]), 403)
    assert.equal(
      status('application/openstack-images-v2.0-json-patch', [{ add: '/a', remove: '/b' }]),
      400,
    )
  })
})

describe('json-schema subset', () => {
  it('reports violations like python-jsonschema', () => {
    assert.equal(
      validate({ disk_format: 'bogus' }, schema),
      "'bogus' is not one of [None, 'raw', 'qcow2']",
    )
    assert.equal(validate({ name: 'x'.repeat(256) }, schema), `'${'x'.repeat(256)}' is too long`)
    assert.equal(validate({ protected: 'no' }, schema), "'no' is not of type 'boolean'")
    assert.equal(validate({ foo: 3 }, schema), "3 is not of type 'string'")
    assert.equal(validate({ kernel_id: 'nope' }, schema)?.startsWith("'nope' does not match"), true)
    assert.equal(validate({ kernel_id: null, tags: ['a'], min_ram: 1 }, schema), undefined)
    assert.equal(pyRepr({ a: [true, null, "it's"] }), "{'a': [True, None, 'it\\'s']}")
  })
})
