/**
 * The Markdown pages read well in an editor, a diff and on GitHub: no table wider than 100
 * characters, and every relative link leads to a file that exists, and to a heading of it when
 * it names one.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { anchorsOf, markdownLinks, proseLines } from './markdown.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  'CHANGELOG.md',
  'example-app/README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
]
const WIDEST_TABLE = 100

const read = (page: string) => readFileSync(join(ROOT, page), 'utf8')

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' })

/** Characters as a reader counts them: `×` and `µ` are one each. */
const width = (line: string) => [...graphemes.segment(line)].length

/** Where a link of `page` leads: the file (relative to the root) and the anchor, if any. */
function resolve(page: string, link: string): { readonly file: string; readonly anchor?: string } {
  const [path = '', anchor] = link.split('#', 2)
  const file = path === '' ? page : relative(ROOT, join(ROOT, dirname(page), decodeURI(path)))
  return anchor === undefined ? { file } : { file, anchor }
}

const isRelative = (link: string) => !/^[a-z][a-z+.-]*:/i.test(link) && !link.startsWith('//')

describe.each(PAGES)('%s', (page) => {
  const text = read(page)

  it(`has no table line wider than ${String(WIDEST_TABLE)} characters`, () => {
    const wide = proseLines(text)
      .filter((line) => line.text.trimStart().startsWith('|'))
      .filter((line) => width(line.text) > WIDEST_TABLE)
      .map((line) => `${page}:${String(line.line)} (${String(width(line.text))})`)
    expect(wide).toEqual([])
  })

  it('links only to files that exist, and to headings they have', () => {
    const broken: string[] = []
    for (const link of markdownLinks(text).filter(isRelative)) {
      const { file, anchor } = resolve(page, link)
      const path = join(ROOT, file)
      if (!existsSync(path)) {
        broken.push(`${link}: no file ${file}`)
      } else if (anchor !== undefined) {
        if (statSync(path).isDirectory() || !file.endsWith('.md')) {
          broken.push(`${link}: an anchor into ${file}, which has no headings`)
        } else if (!anchorsOf(read(file)).has(anchor)) {
          broken.push(`${link}: no heading #${anchor} in ${file}`)
        }
      }
    }
    expect(broken).toEqual([])
  })
})

describe('the Markdown checks', () => {
  it('find the links and anchors GitHub finds', () => {
    const sample = [
      '# Options',
      '### `limits.smsCooldownSeconds`',
      '### `not_signed_in` (401)',
      '### `respondWith`',
      '### `respondWith`',
      '## Pages: `paths`',
      'See [the cooldown](#limitssmscooldownseconds) and `[not](a link)`.',
      '```md',
      '[inside code](nowhere.md)',
      '```',
    ].join('\n')
    expect([...anchorsOf(sample)]).toEqual([
      'options',
      'limitssmscooldownseconds',
      'not_signed_in-401',
      'respondwith',
      'respondwith-1',
      'pages-paths',
    ])
    expect(markdownLinks(sample)).toEqual(['#limitssmscooldownseconds'])
  })
})
