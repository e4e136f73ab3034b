import type { HostFilterFactory } from './filter.js'

/** Drops the host/node pairs a rescheduled build already failed on. */
export const retryFilter: HostFilterFactory = () => ({
  name: 'RetryFilter',
  hostPasses(host, spec) {
    const tried = spec.retry?.hosts ?? []
    return !tried.some(([h, n]) => h === host.host && n === host.nodename)
  },
})
