/*
 * Runs in the page (Playwright sends the function's source), so it is plain JavaScript: the
 * repository's TypeScript has no DOM types. Its types are in contrast.d.ts.
 */
/* global document, getComputedStyle, Node, HTMLInputElement */

/**
 * The contrast of every visible text (text nodes, and input placeholders) against the
 * background it is drawn on, from computed styles. Returns the texts measured, and those under
 * `minimum` or whose colours could not be read.
 *
 * @param {number} minimum
 * @returns {{ texts: string[], failures: string[] }}
 */
export function measureContrast(minimum) {
  const parse = (color) => {
    const match = /^rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)$/.exec(color)
    return match === null
      ? undefined
      : [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4] ?? 1)]
  }
  const over = (top, below) => {
    const a = top[3]
    return [
      top[0] * a + below[0] * (1 - a),
      top[1] * a + below[1] * (1 - a),
      top[2] * a + below[2] * (1 - a),
      1,
    ]
  }
  // What shows through where no element paints: the canvas, dark in dark mode.
  const probe = document.createElement('div')
  probe.style.backgroundColor = 'Canvas'
  document.body.append(probe)
  const canvas = parse(getComputedStyle(probe).backgroundColor) ?? [255, 255, 255, 1]
  probe.remove()
  const background = (element) => {
    const layers = []
    for (let at = element; at !== null; at = at.parentElement) {
      const layer = parse(getComputedStyle(at).backgroundColor)
      if (layer === undefined) return undefined
      if (layer[3] > 0) layers.push(layer)
      if (layer[3] === 1) break
    }
    return layers.reduceRight((below, layer) => over(layer, below), canvas)
  }
  const luminance = ([r, g, b]) => {
    const channel = (value) => {
      const c = value / 255
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
    }
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
  }
  const ratio = (a, b) => {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x)
    return (light + 0.05) / (dark + 0.05)
  }

  const texts = []
  const failures = []
  const measure = (element, text, color) => {
    const fg = parse(color)
    const bg = background(element)
    if (fg === undefined || bg === undefined) {
      failures.push(`${text}: unreadable colour ${color}`)
      return
    }
    const contrast = ratio(over(fg, bg), bg)
    texts.push(text)
    if (contrast < minimum) {
      const on = `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})`
      failures.push(`${text}: ${contrast.toFixed(2)}:1 (${color} on ${on})`)
    }
  }
  for (const element of document.body.querySelectorAll('*')) {
    if (!element.checkVisibility({ visibilityProperty: true })) continue
    const own = [...element.childNodes]
      .filter((node) => node.nodeType === Node.TEXT_NODE)
      .map((node) => node.textContent.trim())
      .join(' ')
      .trim()
    if (own !== '') measure(element, own, getComputedStyle(element).color)
    if (element instanceof HTMLInputElement && element.placeholder !== '' && element.value === '') {
      measure(element, element.placeholder, getComputedStyle(element, '::placeholder').color)
    }
  }
  return { texts, failures }
}
