/**
 * The curated security cases that need a core to themselves, on Koa 3 and Koa 2 (see
 * curated-suite.ts): vitest runs this file after the others, beside only its Express twin.
 */
import { curatedSuite } from './curated-suite.js'

curatedSuite('alone Koa')
