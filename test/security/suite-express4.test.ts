/** The curated security cases on Express 4 (see curated-suite.ts). */
import { curatedSuite } from './curated-suite.js'

curatedSuite('Express 4')
