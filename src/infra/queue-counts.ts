import type { JobType, Queue } from 'bullmq';

/** Jobs of `queue` not yet done, by BullMQ's own counts; with `includeDelayed`, also those set for later. */
export async function countJobs(queue: Queue, includeDelayed: boolean): Promise<number> {
  const states: JobType[] = ['waiting', 'active', 'prioritized', 'waiting-children', ...(includeDelayed ? (['delayed'] as const) : [])];
  const counts = await queue.getJobCounts(...states);
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}
