/**
 * Where a cluster keeps its messages, as the user names it (`--storage`, `--cluster`): read and
 * printed here, without loading the SQL drivers or effect/cluster (`ClusterStorage.ts` opens it),
 * so the commands that only check the argument stay light.
 */

export type StorageTarget =
  | { readonly _tag: "Sqlite"; readonly file: string }
  | { readonly _tag: "Postgres"; readonly url: string }

/**
 * Reads a storage argument: `postgres://…` or `postgresql://…` is a PostgreSQL server, `sqlite:PATH`
 * or any other text a SQLite file. An empty text is a mistake.
 */
export const parseStorageTarget = (text: string): StorageTarget | { readonly error: string } => {
  const trimmed = text.trim()
  if (trimmed === "") return { error: "the cluster storage is empty: give a SQLite file (cluster.db) or a postgres:// URL" }
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return { _tag: "Postgres", url: trimmed }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return { error: `unsupported cluster storage ${JSON.stringify(trimmed)}: give a SQLite file or a postgres:// URL` }
  const file = trimmed.startsWith("sqlite:") ? trimmed.slice("sqlite:".length) : trimmed
  if (file === "") return { error: "sqlite: needs a file name after it (sqlite:cluster.db)" }
  return { _tag: "Sqlite", file }
}

/** A URL's text with its password hidden (`postgres://user:***@host/db`), whether or not it parses as a URL. */
export const withoutPassword = (url: string): string => url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@")

/** A storage target for messages, safe to print: a URL's password is hidden. */
export const describeTarget = (target: StorageTarget): string =>
  target._tag === "Sqlite" ? `SQLite file ${target.file}` : `PostgreSQL ${withoutPassword(target.url)}`
