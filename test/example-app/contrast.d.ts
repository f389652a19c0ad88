/**
 * The contrast of every visible text of the page it runs in (`page.evaluate(measureContrast,
 * minimum)`): the texts measured, and those under `minimum` or whose colours could not be read.
 */
export function measureContrast(minimum: number): { texts: string[]; failures: string[] }
