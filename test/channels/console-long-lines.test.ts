import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleChannel } from '../../src/channels/console/console-channel.js';

/** A coordinator pastes a long announcement into the console simulator on a real terminal. */
describe('long lines in the console simulator', () => {
  /** A stand-in for a terminal's stdin: what readline needs to take keys raw instead of the kernel's cooked lines. */
  function terminalInput() {
    const input = Object.assign(new PassThrough(), { isTTY: true, isRaw: false });
    const setRawMode = (raw: boolean) => {
      input.isRaw = raw;
      return input;
    };
    return Object.assign(input, { setRawMode });
  }

  it('reads a 5,000-character line whole on a terminal, by taking the keys raw rather than in cooked lines of 4,095 bytes', async () => {
    const input = terminalInput();
    const output = new PassThrough();
    output.resume();
    const channel = new ConsoleChannel({ input, output });
    const typed: string[] = [];
    await channel.start(async (messages) => {
      for (const message of messages) if (message.content.kind === 'text') typed.push(message.content.text);
    });
    expect(input.isRaw).toBe(true);
    const announcement = '周四（12月4日）开家长会。'.repeat(385);
    input.write(`${announcement}\r`);
    await new Promise((resolve) => setImmediate(resolve));
    await channel.idle();
    expect(typed).toEqual([announcement]);
    expect(typed[0]!.length).toBeGreaterThan(4_095);
    await channel.stop();
  });
});
