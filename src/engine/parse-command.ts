/** "/start 123" → { name: "start", args: "123" }; "/help@KinbridgeBot" → { name: "help" }. */
export function parseCommand(text: string): { name: string; args: string } | undefined {
  const match = /^\/([a-zA-Z0-9_]{1,32})(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(text);
  return match ? { name: match[1]!.toLowerCase(), args: (match[2] ?? '').trim() } : undefined;
}
