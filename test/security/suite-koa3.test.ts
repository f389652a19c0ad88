/** The curated security cases on Koa 3 (see curated-suite.ts). */
import { curatedSuite } from './curated-suite.js'

curatedSuite('Koa 3')
