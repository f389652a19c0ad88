/*
 * The pages' only script, inlined by layout.eta and allowed by its hash in the CSP (console.ts).
 * The pages work without it: times stay in UTC, the resend button stays disabled until the
 * page is loaded again, and the first authenticator code signs in without showing the recovery
 * codes (the library hands them only to a JSON answer).
 */
/* global document, performance, setTimeout, fetch, FormData, URLSearchParams, location */
'use strict'
{
  const dateAndTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' })
  const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'long' })
  for (const time of document.querySelectorAll('time[datetime]')) {
    const date = new Date(time.dateTime)
    if (Number.isNaN(date.getTime())) continue
    // The server's UTC text stays at hand, on hover.
    time.title = time.textContent
    time.textContent = (time.dataset.format === 'time' ? timeOnly : dateAndTime).format(date)
  }

  // Counts from the seconds the server computed, not to its clock's time: a browser clock that
  // is off would open the button too early or too late.
  for (const counter of document.querySelectorAll('[data-countdown]')) {
    const form = counter.closest('form')
    const endsAt = performance.now() + Number(counter.dataset.countdown) * 1000
    const tick = () => {
      const left = Math.max(0, Math.ceil((endsAt - performance.now()) / 1000))
      counter.textContent = String(left)
      if (left > 0) {
        setTimeout(tick, endsAt - performance.now() - (left - 1) * 1000)
        return
      }
      for (const waiting of form.querySelectorAll('[data-countdown-waiting]')) waiting.hidden = true
      for (const done of form.querySelectorAll('[data-countdown-done]')) done.hidden = false
      form.querySelector('button').disabled = false
    }
    tick()
  }

  // The first code of a new authenticator app, posted for JSON: its answer carries the recovery
  // codes, once. They are shown with a download; the member continues when they have them.
  for (const form of document.querySelectorAll('form[data-recovery-codes]')) {
    const panel = document.getElementById('recovery-codes')
    form.addEventListener('submit', async (event) => {
      event.preventDefault()
      form.querySelector('button').disabled = true
      let res
      try {
        res = await fetch(form.action, {
          method: 'POST',
          headers: { accept: 'application/json' },
          body: new URLSearchParams(new FormData(form)),
        })
      } catch {
        location.assign(`${location.pathname}?error=stytch_unavailable`)
        return
      }
      const body = await res.json().catch(() => ({}))
      if (!res.ok || !Array.isArray(body.recoveryCodes)) {
        location.assign(res.ok ? body.next : `${location.pathname}?error=${body.code}`)
        return
      }
      const list = panel.querySelector('[data-codes]')
      for (const code of body.recoveryCodes) {
        const item = document.createElement('li')
        const text = document.createElement('code')
        text.textContent = code
        item.append(text)
        list.append(item)
      }
      panel.querySelector('[data-download]').href =
        `data:text/plain;charset=utf-8,${encodeURIComponent(`${body.recoveryCodes.join('\n')}\n`)}`
      panel.querySelector('[data-next]').href = body.next
      for (const element of document.querySelectorAll('[data-enrolment]')) element.hidden = true
      panel.hidden = false
      panel.querySelector('h2').focus()
    })
  }
}
