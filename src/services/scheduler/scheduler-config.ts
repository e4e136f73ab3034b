import type { ComputeConfig } from '../compute/compute-context.js'

/** The config groups the scheduler reads: [compute] [filter_scheduler] [scheduler] [placement]. */
export type SchedulerConfig = Pick<
  ComputeConfig,
  'compute' | 'filterScheduler' | 'scheduler' | 'placement'
>
