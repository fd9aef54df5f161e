import { describe, expect, it } from 'vitest';
import { KinbridgeMetrics } from '../../src/dashboard/metrics.js';
import { TestClock } from '../support/test-clock.js';

/** What Prometheus reads about reminders: how late each ran, and the ones that failed. */
describe('reminder metrics', () => {
  const scrape = async (metrics: KinbridgeMetrics) => metrics.registry.metrics();

  it('observes how long after its due time a reminder ran, on the injected clock', async () => {
    const clock = new TestClock(new Date('2026-11-30T09:01:30Z'));
    const metrics = new KinbridgeMetrics();
    const ran: string[] = [];
    const fire = metrics.measuringReminders(clock, async (reminder: { id: string; dueAt: Date }) => {
      ran.push(reminder.id);
      clock.advance(500);
    });

    await fire({ id: 'late', dueAt: new Date('2026-11-30T09:00:00Z') });
    await fire({ id: 'early', dueAt: new Date('2026-11-30T09:05:00Z') });

    expect(ran).toEqual(['late', 'early']);
    const text = await scrape(metrics);
    expect(text).toContain('kinbridge_reminder_lateness_seconds_count 2');
    // 90.5 s late, and one handed over early counts as on time (0), not as negative lateness.
    expect(text).toContain('kinbridge_reminder_lateness_seconds_sum 90.5');
    expect(text).toContain('kinbridge_reminder_lateness_seconds_bucket{le="60"} 1');
    expect(text).toContain('kinbridge_reminder_lateness_seconds_bucket{le="300"} 2');
  });

  it('counts a reminder that throws as a failure of its kind and lets the queue retry it', async () => {
    const metrics = new KinbridgeMetrics();
    const fire = metrics.measuringReminders(new TestClock(), async () => {
      throw new Error('PostgreSQL went away');
    });

    await expect(fire({ dueAt: new Date('2026-11-23T10:00:00Z') })).rejects.toThrow('PostgreSQL went away');
    const text = await scrape(metrics);
    expect(text).toContain('kinbridge_failures_total{kind="reminder"} 1');
    expect(text).toContain('kinbridge_reminder_lateness_seconds_count 0');
  });
});
