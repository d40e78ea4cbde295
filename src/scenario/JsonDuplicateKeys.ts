/**
 * A key given twice in one JSON object. `JSON.parse` keeps the last silently, so a scenario with
 * `"mode"` twice ran in the second mode without a word: the scan below finds the repeat, in valid
 * JSON text (run after `JSON.parse` succeeded, and after the nesting bound).
 */

interface ObjectScope {
  readonly keys: Set<string>
  /** The next string in this object is a key (after `{` or `,`), not a value. */
  expectKey: boolean
}

/** The first repeated key of valid JSON `text`: the key and the offset of its second occurrence; undefined when none repeats. */
export const jsonDuplicateKeyAt = (text: string): { readonly key: string; readonly offset: number } | undefined => {
  // One scope per open object or array (an array's is undefined): keys count within their own object only.
  const scopes: Array<ObjectScope | undefined> = []
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 123) scopes.push({ keys: new Set(), expectKey: true }) // {
    else if (c === 91) scopes.push(undefined) // [
    else if (c === 125 || c === 93) scopes.pop() // } ]
    else if (c === 44) { // ,
      const top = scopes[scopes.length - 1]
      if (top !== undefined) top.expectKey = true
    } else if (c === 34) { // a string: find its end, past escaped characters
      const start = i
      for (i++; text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++
      const top = scopes[scopes.length - 1]
      if (top === undefined || !top.expectKey) continue
      top.expectKey = false
      const key = JSON.parse(text.slice(start, i + 1)) as string
      if (top.keys.has(key)) return { key, offset: start }
      top.keys.add(key)
    }
  }
  return undefined
}
