/**
 * Where a freshly issued token goes besides the HTTP answer: the hidden chat
 * variable of the conversation (SPEC.md step 3). TokenService calls this port
 * after every issue and refresh of a session that carries a chat session
 * token; the chat module implements it. Publishing never throws: a failed
 * push must not lose the login.
 */
import type { SessionRecord } from '../sessions/session.service.js';

/** `set`: the variable now holds the token; `failed`: it does not (logged and counted). */
export type ChatVariableOutcome = 'set' | 'failed';

export abstract class ChatVariablePort {
  /** Undefined when the session's bot has no server-side push configured. */
  abstract publish(session: SessionRecord, token: string): Promise<ChatVariableOutcome | undefined>;

  /** Overwrites the variable with an empty value (logout, revocation). Never throws. */
  abstract clear(session: SessionRecord): Promise<void>;
}
