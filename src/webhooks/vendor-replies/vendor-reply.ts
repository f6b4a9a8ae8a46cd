/**
 * The port for vendor-shaped webhook replies. When chatwarden (or the
 * webhook handler using it) refuses an action, the chat should still show a
 * friendly sentence ("Please log in again to see your orders"), and each
 * vendor only displays text sent back in its own reply format (VENDORS.md,
 * "Webhook request and response formats"). Builders are pure: they return
 * the HTTP status and JSON body to send, nothing else.
 */
export interface ReplyMessage {
  /** Whether the action succeeded; some vendors end the dialog on failure. */
  outcome: 'success' | 'failure';
  /** Text to show the end user. Never a token, secret or internal detail. */
  message: string;
  /** Chat variables to set, where the vendor supports it (ChatBot.com attributes). */
  attributes?: Record<string, string>;
}

export interface VendorReply {
  /** Always 200: vendors treat other statuses as a failed call and drop the text. */
  status: number;
  body: Record<string, unknown>;
}

export interface VendorReplyBuilder {
  readonly vendor: string;
  build(reply: ReplyMessage): VendorReply;
}

/** `text` without control characters and cut to `max` characters (at a code point boundary). */
export function displayText(text: string, max: number): string {
  const clean = text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim();
  const codePoints = Array.from(clean);
  return codePoints.length <= max ? clean : `${codePoints.slice(0, max - 1).join('')}…`;
}
