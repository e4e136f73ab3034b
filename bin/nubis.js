#!/usr/bin/env node
// The compiled CLI lives in dist/; `npm run build` (or `npm start`) produces it.
import('../dist/cmd/nubis.js').catch((err) => {
  if (
    err &&
    err.code === 'ERR_MODULE_NOT_FOUND' &&
    String(err.message).includes('dist/cmd/nubis.js')
  ) {
    console.error('nubis: not built yet — run `npm run build` first')
    process.exit(1)
  }
  throw err
})
