import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { brokerUrls, redact } from './transport-url.js'

describe('brokerUrls', () => {
  it('keeps amqp:// and amqps:// URLs', () => {
    assert.deepEqual(brokerUrls('amqp://guest:guest@127.0.0.1:55672/'), [
      'amqp://guest:guest@127.0.0.1:55672/',
    ])
    assert.deepEqual(brokerUrls('amqps://u:p@mq.example.com/nova?heartbeat=10'), [
      'amqps://u:p@mq.example.com/nova?heartbeat=10',
    ])
  })

  it("turns oslo's rabbit:// URL, one or several hosts, into amqp:// URLs", () => {
    assert.deepEqual(brokerUrls('rabbit://nova:secret@ctl1:5672/'), [
      'amqp://nova:secret@ctl1:5672/',
    ])
    assert.deepEqual(brokerUrls('rabbit://a:x@h1:5672,b:y@h2:5673/nova'), [
      'amqp://a:x@h1:5672/nova',
      'amqp://b:y@h2:5673/nova',
    ])
    assert.deepEqual(brokerUrls('rabbit://h1'), ['amqp://h1/'])
  })

  it('rejects what it cannot read, without echoing passwords', () => {
    assert.throws(
      () => brokerUrls('rabbit://u:secret@/'),
      (err: Error) => {
        assert.match(err.message, /invalid RabbitMQ transport URL/)
        assert.doesNotMatch(err.message, /secret/)
        return true
      },
    )
    assert.throws(() => brokerUrls('http://h'), /invalid RabbitMQ transport URL/)
  })

  it('redacts passwords', () => {
    assert.equal(redact('rabbit://a:x@h1:5672,b:y@h2/v'), 'rabbit://a:***@h1:5672,b:***@h2/v')
  })
})
