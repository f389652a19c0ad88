/**
 * `npm start`: the admin console on http://localhost:3000, with the Stytch emulator in the same
 * process (seeded with organization `acme`), or with Stytch itself when `STYTCH_PROJECT_ID` and
 * `STYTCH_SECRET` are set. Every setting is an environment variable: see `README.md`.
 */
import { createApp } from './app.js'
import { launch, trustProxyFrom } from './startup.js'

launch({
  name: 'Admin console',
  trustProxyFrom,
  listener: (settings) => createApp(settings).app,
})
