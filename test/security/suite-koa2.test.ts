/** The curated security cases on Koa 2 (see curated-suite.ts). */
import { curatedSuite } from './curated-suite.js'

curatedSuite('Koa 2')
