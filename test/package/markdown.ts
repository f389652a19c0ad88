/** Reading Markdown as GitHub renders it: its lines outside code, its links, its anchors. */

/** The lines of `text` outside fenced code blocks, with their line numbers (1-based). */
export function proseLines(text: string): { readonly line: number; readonly text: string }[] {
  const lines: { line: number; text: string }[] = []
  let fence: string | undefined
  for (const [index, line] of text.split('\n').entries()) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1]
    if (marker !== undefined && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined
      continue
    }
    if (fence === undefined) lines.push({ line: index + 1, text: line })
  }
  return lines
}

/** `line` without its code spans, whose brackets are not links. */
function withoutCode(line: string): string {
  return line.replace(/(`+)[^`]*?\1/g, '')
}

/** The targets of the inline links of `text` (`[text](target)`), outside code. */
export function markdownLinks(text: string): string[] {
  const prose = proseLines(text)
    .map((line) => withoutCode(line.text))
    .join('\n')
  return [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(
    ([, target = '']) => target,
  )
}

/**
 * A heading's anchor as GitHub makes it (github-slugger): the rendered text in lower case, without
 * punctuation but `-` and `_`, each space a `-`.
 */
export function slugOf(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim()
  return rendered
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')
}

/** The anchors of every heading of `text`; a repeated one gets `-1`, `-2`… as on GitHub. */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  for (const { text: line } of proseLines(text)) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line)?.[1]
    if (heading === undefined) continue
    const slug = slugOf(heading)
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    anchors.add(count === 0 ? slug : `${slug}-${String(count)}`)
  }
  return anchors
}
