/**
 * The curated security cases that need a core to themselves, on Express 5 and Express 4 (see
 * curated-suite.ts): vitest runs this file after the others, beside only its Koa twin.
 */
import { curatedSuite } from './curated-suite.js'

curatedSuite('alone Express')
