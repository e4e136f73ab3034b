import { defineGroup, opt } from '../option.js'

/** The block storage service (Cinder v3). Owned by the block-storage work; extend freely. */
export const volumeGroup = defineGroup('volume', 'Block storage service.', {
  enabled_backends: opt.list('Backends (sections) this process serves.', ['file']),
})
