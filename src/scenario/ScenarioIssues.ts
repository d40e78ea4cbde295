/**
 * Schema issues as the path/message pairs a user reads: `vms[0].memoryMb: expected an integer
 * between 64 and 65536, got 10`. Every message names the field and the rule, and shows the rejected
 * value in at most one short line.
 */
import * as SchemaAST from "effect/SchemaAST"
import * as SchemaIssue from "effect/SchemaIssue"
import type { ScenarioProblem } from "./ScenarioCheck.ts"

/**
 * Every problem, not only the first; unknown fields are errors, not silently dropped; rejected
 * values are kept in the issues so messages can say what was given.
 */
export const parseOptions: SchemaAST.ParseOptions = { errors: "all", onExcessProperty: "error", reportInput: true }

// ---------------------------------------------------------------------------------------------
// Schema issues → path/message pairs
// ---------------------------------------------------------------------------------------------

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** A field name of a hostile file may be long: paths show at most this many characters of one. */
const MAX_KEY_SHOWN = 40

/** `["vms", 0, "memoryMb"]` → `vms[0].memoryMb`. */
export const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>((out, key) => {
    if (typeof key === "number") return `${out}[${key}]`
    const full = String(key)
    const name = full.length > MAX_KEY_SHOWN ? `${full.slice(0, MAX_KEY_SHOWN - 3)}...` : full
    if (!IDENTIFIER.test(name)) return `${out}[${JSON.stringify(name)}]`
    return out === "" ? name : `${out}.${name}`
  }, "")

/** Fields whose values an error message must not repeat: it may end up in a log or a bug report. */
const SECRET_FIELD = /passphrase|password|psk/i

const hideSecrets = (key: string, value: unknown): unknown => (SECRET_FIELD.test(key) && value !== undefined ? "***" : value)

/** A rejected value, short enough for one line. */
export const formatValue = (value: unknown): string => {
  if (value === undefined) return "undefined"
  // JSON has no Infinity: a literal beyond ±1.8e308 (e.g. 1e309) reads as one, and JSON.stringify prints null.
  if (typeof value === "number" && !Number.isFinite(value)) {
    return Number.isNaN(value) ? "NaN" : value > 0 ? "a number beyond the largest there is (about 1.8e308)" : "a number below the smallest there is (about -1.8e308)"
  }
  let text: string
  try {
    text = JSON.stringify(value, hideSecrets) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

const got = (issue: SchemaIssue.Issue): string => (SchemaIssue.hasInput(issue) ? `, got ${formatValue(issue.input)}` : "")

/** Messages in this module start in lower case; Effect's default ones start with "Expected". */
const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1)

const fieldNames = (ast: SchemaAST.AST): ReadonlyArray<string> =>
  SchemaAST.isObjects(ast) ? ast.propertySignatures.map((p) => String(p.name)) : []

const leafMessage = (issue: SchemaIssue.Leaf): string => {
  switch (issue._tag) {
    case "MissingKey":
      return issue.annotations?.messageMissingKey ?? "missing required field"
    case "UnexpectedKey": {
      const known = fieldNames(issue.ast)
      return known.length === 0 ? "unknown field" : `unknown field; known fields: ${known.join(", ")}`
    }
    case "InvalidType": {
      const message = issue.ast.annotations?.message
      if (typeof message === "string") return message
      if (SchemaAST.isObjects(issue.ast)) return `expected an object${got(issue)}`
      if (SchemaAST.isArrays(issue.ast)) return `expected an array${got(issue)}`
      if (SchemaAST.isNumber(issue.ast)) return `expected a number${got(issue)}`
      if (SchemaAST.isString(issue.ast)) return `expected a string${got(issue)}`
      if (SchemaAST.isBoolean(issue.ast)) return `expected true or false${got(issue)}`
      return lowerFirst(SchemaIssue.defaultLeafHook(issue))
    }
    default:
      return lowerFirst(SchemaIssue.defaultLeafHook(issue))
  }
}

/** The message of a failed check: its `message`, else `expected <expected>, got <input>`. */
const filterMessage = (issue: SchemaIssue.Filter): string | undefined => {
  const custom = SchemaIssue.defaultCheckHook(issue)
  if (custom !== undefined) return custom
  const expected = issue.filter.annotations?.expected
  if (typeof expected !== "string") return undefined
  return `expected ${expected}${got(SchemaIssue.hasInput(issue) ? issue : issue.issue)}`
}

const literalText = (literal: unknown): string => JSON.stringify(literal) ?? String(literal)

/**
 * A value that matched no member of a union. For a union of objects tagged by a literal field
 * (`standard`, `kind`), point at that field; for a union of literals, list them.
 */
const unionMismatch = (issue: SchemaIssue.AnyOf, path: ReadonlyArray<PropertyKey>): Array<ScenarioProblem> => {
  const members = issue.ast.types
  const input: unknown = SchemaIssue.hasInput(issue) ? issue.input : undefined
  if (members.length > 0 && members.every(SchemaAST.isLiteral)) {
    const options = members.map((m) => literalText(m.literal)).join(", ")
    return [{ path: formatPath(path), message: `expected one of ${options}${got(issue)}` }]
  }
  if (members.length > 0 && members.every(SchemaAST.isObjects)) {
    const tagOf = (m: SchemaAST.Objects, key: PropertyKey) => {
      const ps = m.propertySignatures.find((p) => p.name === key)
      return ps !== undefined && SchemaAST.isLiteral(ps.type) ? ps.type.literal : undefined
    }
    const first = members[0]!
    const tag = first.propertySignatures.find((p) =>
      SchemaAST.isLiteral(p.type) && members.every((m) => tagOf(m, p.name) !== undefined)
    )
    if (tag !== undefined) {
      const options = members.map((m) => literalText(tagOf(m, tag.name))).join(", ")
      const key = String(tag.name)
      if (typeof input !== "object" || input === null || Array.isArray(input)) {
        return [{ path: formatPath(path), message: `expected an object with ${key} one of ${options}${got(issue)}` }]
      }
      const fieldPath = formatPath([...path, tag.name])
      if (!Object.hasOwn(input, tag.name)) {
        return [{ path: fieldPath, message: `missing required field; expected one of ${options}` }]
      }
      const value = (input as Record<PropertyKey, unknown>)[tag.name]
      return [{ path: fieldPath, message: `expected one of ${options}, got ${formatValue(value)}` }]
    }
  }
  const expected = issue.ast.annotations?.expected
  if (typeof expected === "string") return [{ path: formatPath(path), message: `expected ${expected}${got(issue)}` }]
  const standard = SchemaIssue.makeFormatterStandardSchemaV1()(issue).issues[0]?.message ?? "no alternative matched"
  return [{ path: formatPath(path), message: lowerFirst(standard) }]
}

const walk = (issue: SchemaIssue.Issue, path: ReadonlyArray<PropertyKey>, override: string | undefined): Array<ScenarioProblem> => {
  switch (issue._tag) {
    case "Filter":
      return walk(issue.issue, path, override ?? filterMessage(issue))
    case "Encoding":
      return walk(issue.issue, path, override)
    case "Pointer":
      return walk(issue.issue, [...path, ...issue.path], override)
    case "Composite":
      return issue.issues.flatMap((i) => walk(i, path, override))
    case "AnyOf":
      if (issue.issues.length === 0) return override === undefined ? unionMismatch(issue, path) : [{ path: formatPath(path), message: override }]
      return issue.issues.flatMap((i) => walk(i, path, override))
    default:
      return [{ path: formatPath(path), message: override ?? leafMessage(issue) }]
  }
}

/**
 * A Schema issue as path/message pairs, one per failure, in the order Schema found them; a value
 * that fails several checks with the same message is reported once.
 */
export const problemsFromIssue = (issue: SchemaIssue.Issue): Array<ScenarioProblem> => {
  const seen = new Set<string>()
  // A rejected secret is named, not shown.
  const shown = walk(issue, [], undefined).map((p) => SECRET_FIELD.test(p.path.split(".").pop() ?? "") ? { ...p, message: p.message.replace(/, got .*$/s, "") } : p)
  return shown.filter((p) => {
    const key = `${p.path}\u0000${p.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
