/** The README is API documentation: every error code and option it must describe is there. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { MfaErrorCode, statusOf } from '../../src/core/errors.js'
import { mfaOptionsSchema, requireMfaOptionsSchema } from '../../src/core/options.js'

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')

describe('README.md', () => {
  it.each(Object.values(MfaErrorCode))('documents the error code %s with its status', (code) => {
    expect(readme).toMatch(new RegExp(`\\| \`${code}\` +\\| ${statusOf[code]} +\\|`))
  })

  it.each(Object.keys(mfaOptionsSchema.shape))('documents the option %s', (option) => {
    expect(readme).toMatch(new RegExp(`\\| \`${option}(\\.[a-zA-Z]+)?\` +\\|`))
  })

  it.each(Object.keys(requireMfaOptionsSchema.unwrap().shape))(
    'documents the requireMfa option %s',
    (option) => {
      expect(readme).toMatch(new RegExp(`\\| \`${option}\` +\\|`))
    },
  )

  it('shows the install, start and test commands', () => {
    expect(readme).toContain('npm install && npm start')
    expect(readme).toContain('npm test')
  })
})
