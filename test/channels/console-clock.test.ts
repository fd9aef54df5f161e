import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleChannel } from '../../src/channels/console/console-channel.js';
import { ClockBackwardsError, OffsetClock } from '../../src/core/offset-clock.js';
import { TestClock } from '../support/test-clock.js';

/** A newcomer in the console simulator moves the bot's clock forward to see a week pass in minutes. */
describe(':clock in the console simulator', () => {
  function simulatorAt(start: string) {
    const machine = new TestClock(new Date(start));
    const clock = new OffsetClock(machine);
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
    const channel = new ConsoleChannel({ input, output, clock, timeZone: 'Asia/Shanghai' });
    const typed: string[] = [];
    return {
      machine,
      clock,
      typed,
      async start() {
        await channel.start(async (messages) => {
          for (const message of messages) if (message.content.kind === 'text') typed.push(message.content.text);
        });
      },
      async type(line: string): Promise<string> {
        const before = printed.length;
        input.write(`${line}\n`);
        await new Promise((resolve) => setImmediate(resolve));
        await channel.idle();
        return printed.slice(before).trim();
      },
    };
  }

  it('moves forward by days, hours and minutes, printing the new time in one line', async () => {
    const simulator = simulatorAt('2026-11-30T11:00:00Z'); // 19:00 in China
    await simulator.start();
    expect(await simulator.type(':clock +2d')).toBe('(the clock now reads Wed 2 Dec 2026, 19:00)');
    expect(await simulator.type(':clock +3h')).toBe('(the clock now reads Wed 2 Dec 2026, 22:00)');
    expect(await simulator.type(':clock +30m')).toBe('(the clock now reads Wed 2 Dec 2026, 22:30)');
    expect(simulator.clock.now().toISOString()).toBe('2026-12-02T14:30:00.000Z');
    expect(simulator.typed).toEqual([]);
  });

  it('jumps to a date and time on the wall clock, and keeps running with the machine', async () => {
    const simulator = simulatorAt('2026-11-30T11:00:00Z');
    await simulator.start();
    expect(await simulator.type(':clock 2026-12-02 19:25')).toBe('(the clock now reads Wed 2 Dec 2026, 19:25)');
    simulator.machine.advance(60_000);
    expect(simulator.clock.now().toISOString()).toBe('2026-12-02T11:26:00.000Z');
  });

  it('refuses to go back or to guess, saying how to write it, and leaves the clock where it was', async () => {
    const simulator = simulatorAt('2026-11-30T11:00:00Z');
    await simulator.start();
    expect(await simulator.type(':clock 2026-11-01 08:00')).toBe('! The clock only moves forward; it reads Mon 30 Nov 2026, 19:00.');
    expect(await simulator.type(':clock tomorrow')).toBe(
      '! I can\'t read "tomorrow" as a time. Try ":clock +2d", ":clock +3h", ":clock +30m" or ":clock 2026-12-02 19:25".',
    );
    expect(simulator.clock.now().toISOString()).toBe('2026-11-30T11:00:00.000Z');
    expect(() => simulator.clock.moveTo(new Date('2026-11-29T00:00:00Z'))).toThrow(ClockBackwardsError);
  });
});
