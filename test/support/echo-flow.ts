/**
 * Says back every message it hears (`/echo`, then anything), so the order the bot handled them in shows in what it
 * wrote; its one text is `test:heard` ("heard {{said}}").
 */
export const ECHO_FLOW = `
id: echo
triggers:
  - command: echo
steps:
  - id: listen
    wait: { for: 1h, on_message: heard, into: said }
  - id: quiet
    end: true
  - id: heard
    send: { text: test:heard }
  - id: again
    goto: listen
`;
