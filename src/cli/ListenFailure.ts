/** Why a runner could not listen, in words: the socket server's own message is only "Open". */

/** What the operating system's error code means for a listening socket (Node's `error.code`). */
const LISTEN_CODES: Readonly<Record<string, string>> = {
  EADDRINUSE: "the port is in use (another runner or program listens there)",
  EACCES: "permission denied (ports below 1024 need privileges)",
  EADDRNOTAVAIL: "this machine has no such address",
  ENOTFOUND: "no such host",
  EAI_AGAIN: "the host name could not be resolved"
}

/** The cause of a failed listen (usually a Node system error), as one phrase. */
export const listenFailureText = (cause: unknown): string => {
  if (typeof cause === "object" && cause !== null) {
    const code = (cause as { readonly code?: unknown }).code
    if (typeof code === "string" && LISTEN_CODES[code] !== undefined) return LISTEN_CODES[code]!
    const message = (cause as { readonly message?: unknown }).message
    if (typeof message === "string" && message !== "") return message
  }
  return String(cause)
}
